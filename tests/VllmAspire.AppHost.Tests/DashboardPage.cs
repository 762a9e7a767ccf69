using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using VllmAspire.Testing.Aspire;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.AppHost.Tests;

/// <summary>The parts of Aspire's dashboard the browser tests use: the login, resource rows, commands, result toasts.</summary>
internal static partial class DashboardPage
{
    /// <summary>Opens the dashboard of a run through its token login URL, at the resources page.</summary>
    public static async Task<Browser> LoginAsync(RunningApp run)
    {
        var browser = await Browser.LaunchAsync();
        await browser.Page.GotoAsync((await run.App.GetDashboardUrlAsync()).ToString());
        // The dashboard's own Blazor circuit can die on an unhandled exception of its grid (seen on a loaded machine:
        // ObjectDisposedException in Virtualize), leaving a page without rows: a user reloads, and so does the test.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Expect(browser.Page.Locator("tr.resource-row").First).ToBeVisibleAsync(new() { Timeout = 40_000 });
                return browser;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await browser.Page.ReloadAsync();
            }
        }
    }

    /// <summary>Gets a resource's row on the resources page.</summary>
    public static ILocator Row(IPage page, string name) =>
        page.Locator("tr.resource-row", new() { Has = page.Locator($"td[aria-label$=': {name}']") });

    /// <summary>Gets the state cell of a row.</summary>
    public static ILocator State(ILocator row) => row.Locator("td[col-index='2']");

    /// <summary>Gets the toast a command's result shows, by its title.</summary>
    public static ILocator Toast(IPage page, string title) => page.Locator("fluent-toast-b.resource-command-toast", new() { HasText = title });

    /// <summary>
    /// Runs a command from a resource's "…" menu, Commands submenu, as a user does: opens the menu once the resource is
    /// healthy (commands of ours are enabled while it is, and a loaded machine may fail one health check) and clicks the
    /// command. Tries again should the menu not open, show the command disabled, or stay open after the click.
    /// </summary>
    /// <remarks>
    /// A click that reaches the dashboard closes the menu before the command runs. The grid renders an open menu anew
    /// whenever any resource changes (each health report does, several times a second on the local run), and a click
    /// landing on a menu being replaced is lost: the menu stays open and nothing runs, so clicking again is safe.
    /// </remarks>
    public static async Task RunCommandAsync(IPage page, RunningApp run, string resource, string command)
    {
        var item = page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true });
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (await TryOpenEnabledAsync(page, run, resource, item))
            {
                await item.ClickAsync();
                try
                {
                    await Expect(item).ToBeHiddenAsync(new() { Timeout = 10_000 });
                    return;
                }
                catch (PlaywrightException)
                {
                    // lost to a render: the menu is still open
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The command \"{command}\" of {resource} could not be run from its menu within 2 minutes.");
            }
        }
    }

    /// <summary>Opens the Commands submenu of a resource's row on a freshly loaded page; true once it shows the command enabled.</summary>
    private static async Task<bool> TryOpenEnabledAsync(IPage page, RunningApp run, string resource, ILocator item)
    {
        await run.WaitForHealthyAsync(resource);
        // A fresh page has no menu open: one left open would close on the click that should open it.
        await page.ReloadAsync();
        var actions = Row(page, resource).Locator("fluent-button[aria-label='Actions']");
        await Expect(actions).ToBeVisibleAsync(new() { Timeout = 60_000 });
        try
        {
            await actions.ClickAsync();
            await page.Locator("fluent-menu-item", new() { HasText = "Commands" }).ClickAsync(new() { Timeout = 10_000 });
            await Expect(item).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }
        catch (PlaywrightException)
        {
            return false; // a click lost to a render: the menu or its submenu did not open
        }

        return await item.GetAttributeAsync("disabled") is null;
    }

    /// <summary>
    /// Clicks until the click shows its effect: the dashboard renders its grids and trees anew as resources and telemetry
    /// change, and a click landing on an element being replaced is lost. For clicks that are safe to repeat (navigation,
    /// choosing a view), never for commands.
    /// </summary>
    /// <param name="target">What to click.</param>
    /// <param name="shows">Waits (up to the timeout it is given) for what the click should show.</param>
    public static async Task ClickUntilAsync(ILocator target, Func<float, Task> shows)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            await target.ClickAsync();
            try
            {
                await shows(10_000);
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // lost to a render: click again
            }
        }
    }

    /// <summary>Opens a trace's detail page from the traces list.</summary>
    /// <param name="page">The page, on the traces list.</param>
    /// <param name="name">The trace's name as the list shows it.</param>
    public static async Task OpenTraceAsync(IPage page, string name)
    {
        var trace = page.GetByText(name).First;
        await Expect(trace).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await ClickUntilAsync(trace, timeout => Expect(page).ToHaveURLAsync(TraceDetailUrl(), new() { Timeout = timeout }));
    }

    // Assertions on the URL poll it and fail as Playwright's assertions do (PlaywrightException), which ClickUntilAsync
    // retries; waiting for a navigation event would time out with another exception and never click again.
    [System.Text.RegularExpressions.GeneratedRegex("/traces/detail/")]
    private static partial System.Text.RegularExpressions.Regex TraceDetailUrl();
}
