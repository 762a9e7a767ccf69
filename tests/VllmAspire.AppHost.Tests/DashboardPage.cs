using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using VllmAspire.Testing.Aspire;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.AppHost.Tests;

/// <summary>The parts of Aspire's dashboard the browser tests use: the login, resource rows, commands, result toasts.</summary>
internal static class DashboardPage
{
    /// <summary>Opens the dashboard of a run through its token login URL, at the resources page.</summary>
    public static async Task<Browser> LoginAsync(RunningApp run)
    {
        var browser = await Browser.LaunchAsync();
        await browser.Page.GotoAsync((await run.App.GetDashboardUrlAsync()).ToString());
        await Expect(browser.Page.Locator("tr.resource-row").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        return browser;
    }

    /// <summary>Gets a resource's row on the resources page.</summary>
    public static ILocator Row(IPage page, string name) =>
        page.Locator("tr.resource-row", new() { Has = page.Locator($"td[aria-label$=': {name}']") });

    /// <summary>Gets the state cell of a row.</summary>
    public static ILocator State(ILocator row) => row.Locator("td[col-index='2']");

    /// <summary>Gets the toast a command's result shows, by its title.</summary>
    public static ILocator Toast(IPage page, string title) => page.Locator("fluent-toast-b.resource-command-toast", new() { HasText = title });

    /// <summary>
    /// Runs a command from a resource's "…" menu, Commands submenu. Commands of ours are enabled while their resource is
    /// healthy, and a loaded machine may fail one health check: the menu is opened once the resource is healthy, and
    /// again should it show the command disabled.
    /// </summary>
    public static async Task RunCommandAsync(IPage page, RunningApp run, string resource, string command)
    {
        var commands = page.Locator("fluent-menu-item", new() { HasText = "Commands" });
        var item = page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true });
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            await run.WaitForHealthyAsync(resource);
            // Start from a closed menu: one left open would close on the click that should open it.
            await page.Keyboard.PressAsync("Escape");
            await Expect(commands).ToBeHiddenAsync();
            await Row(page, resource).Locator("fluent-button[aria-label='Actions']").ClickAsync();
            await commands.ClickAsync();
            await Expect(item).ToBeVisibleAsync();
            if (await item.GetAttributeAsync("disabled") is null || DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        await item.ClickAsync();
        await Expect(item).ToBeHiddenAsync();
    }
}
