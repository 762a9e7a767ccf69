using Microsoft.Playwright;

namespace VllmAspire.AppHost.Tests;

/// <summary>Debian's Chromium driven by Playwright (never a downloaded browser), with screenshots kept as artifacts.</summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Dialogs (alert, confirm) the page opened; a rendered script would show up here.</summary>
    public List<string> Dialogs { get; } = [];

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing; install Debian's chromium (`apt-get install -y chromium`, as test.sh does).");
        }

        // Actions and assertions alike wait up to 30 s (assertions' own default is 5 s): every answer the dashboard
        // shows takes a Blazor Server round trip, and toasts also wait for the command, on a machine running other tests.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var result = new Browser(playwright, browser, context, page);
        page.Dialog += async (_, dialog) =>
        {
            result.Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        return result;
    }

    /// <summary>Saves a full-page screenshot under the test output's TestResults/screenshots and attaches it to the test result.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name + ".png", png, "image/png");
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
