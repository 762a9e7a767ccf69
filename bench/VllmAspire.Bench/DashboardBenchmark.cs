using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VllmAspire.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Bench;

/// <summary>
/// The dashboard in Debian's Chromium: first load of the resources page (login to every resource row shown), and the
/// console-log view while one resource writes 10,000 lines a second (frame gaps in the page, lines kept in the DOM,
/// time for the last line to show once the flood stops). The app model is a real in-process AppHost model of five `sleep`
/// executables; the flood goes through the AppHost's ResourceLoggerService, the path every child's output takes.
/// </summary>
internal static class DashboardBenchmark
{
    private const string Chromium = "/usr/bin/chromium";

    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "First-load runs (each in a fresh browser context).", DefaultValueFactory = _ => 5 };
        var rate = new Option<int>("--rate") { Description = "Log lines per second for the flood.", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long the flood lasts.", DefaultValueFactory = _ => 10 };
        var command = new Command("dashboard", "Dashboard first load and the log view under a 10,000 lines/s flood.") { runs, rate, seconds };
        command.SetAction(async (parse, ct) =>
        {
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
            {
                Args = ["--Dashboard:Url=http://127.0.0.1:0"],
                AppHostDirectory = Directory.CreateTempSubdirectory("vllm-aspire-bench-dashboard-").FullName,
            });
            builder.AddParameter("secret", secret: true);
            for (var i = 0; i < 5; i++)
            {
                builder.AddExecutable($"sleeper-{i}", "sleep", ".", "600");
            }

            await using var app = builder.Build();
            await app.StartAsync(ct);
            var dashboard = app.Services.GetRequiredService<DashboardServer>();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });

            var loads = new List<double>();
            var domReady = new List<double>();
            for (var i = 0; i < parse.GetValue(runs); i++)
            {
                await using var context = await browser.NewContextAsync();
                var page = await context.NewPageAsync();
                var stopwatch = Stopwatch.StartNew();
                await page.GotoAsync(dashboard.LoginUrl!.ToString());
                await page.Locator("tr[data-resource='sleeper-4'] [data-state='Running']").WaitForAsync(new() { Timeout = 60_000 });
                loads.Add(stopwatch.Elapsed.TotalSeconds);
                domReady.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000);
                Console.WriteLine($"first load {i}: DOM ready {Stats.Format(domReady[^1])}, every resource shown {Stats.Format(loads[^1])}");
            }

            await using var floodContext = await browser.NewContextAsync();
            var logs = await floodContext.NewPageAsync();
            await logs.GotoAsync(dashboard.LoginUrl!.ToString());
            await logs.GotoAsync(new Uri(dashboard.Url!, "/consolelogs/resource/sleeper-0").ToString());
            await logs.Locator("#log-view").WaitForAsync();
            // Frame gaps in the page: a frozen page stops producing animation frames.
            await logs.EvaluateAsync("""
                () => { window.__gaps = []; window.__maxLines = 0; let last = performance.now();
                  const tick = now => { window.__gaps.push(now - last); last = now;
                    window.__maxLines = Math.max(window.__maxLines, document.querySelectorAll('.log-line').length);
                    if (!window.__stop) requestAnimationFrame(tick); };
                  requestAnimationFrame(tick); }
                """);

            var perSecond = parse.GetValue(rate);
            var total = perSecond * parse.GetValue(seconds);
            var probes = new List<double>();
            var flood = Task.Run(async () =>
            {
                // 100 ticks a second, each writing its share; the clock, not the loop, sets the pace.
                var clock = Stopwatch.StartNew();
                var written = 0;
                while (written < total)
                {
                    var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * perSecond));
                    for (; written < due; written++)
                    {
                        app.ResourceLogs.WriteLine("sleeper-0", "sleeper-0", $"flood line {written + 1} \u001b[32mok\u001b[0m of {total}");
                    }

                    await Task.Delay(10, ct);
                }

                return clock.Elapsed.TotalSeconds;
            }, ct);

            // While the flood runs, a round trip into the page (as a click would need) must keep answering.
            while (!flood.IsCompleted)
            {
                var probe = Stopwatch.StartNew();
                await logs.EvaluateAsync("() => document.querySelectorAll('.log-line').length");
                probes.Add(probe.Elapsed.TotalMilliseconds);
                await Task.Delay(100, ct);
            }

            var floodSeconds = await flood;
            var caughtUp = Stopwatch.StartNew();
            await logs.Locator("#log-view").GetByText($"flood line {total} ok of {total}").WaitForAsync(new() { Timeout = 60_000 });
            var lastLine = caughtUp.Elapsed.TotalSeconds;
            await logs.EvaluateAsync("() => { window.__stop = true; }");
            var gaps = (await logs.EvaluateAsync<double[]>("() => window.__gaps")).Skip(1).ToList();
            var maxLines = await logs.EvaluateAsync<int>("() => window.__maxLines");
            var count = await logs.Locator("#log-count").InnerTextAsync();

            Console.WriteLine();
            Console.WriteLine("| measurement | runs | median | max |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| first load: DOM ready (login redirect included) | {loads.Count} | {Stats.Format(Stats.Percentile(domReady, 50))} | {Stats.Format(domReady.Max())} |");
            Console.WriteLine($"| first load: login to every resource row shown | {loads.Count} | {Stats.Format(Stats.Percentile(loads, 50))} | {Stats.Format(loads.Max())} |");
            Console.WriteLine();
            Console.WriteLine($"| log flood | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| lines written | {total:N0} in {Stats.Format(floodSeconds)} ({total / floodSeconds:N0} lines/s) |");
            Console.WriteLine($"| frame gap p50 / p99 / max | {Stats.Percentile(gaps, 50):F0} / {Stats.Percentile(gaps, 99):F0} / {gaps.Max():F0} ms ({gaps.Count} frames) |");
            Console.WriteLine($"| page round trip during the flood p50 / max | {Stats.Percentile(probes, 50):F0} / {probes.Max():F0} ms ({probes.Count} probes) |");
            Console.WriteLine($"| most log lines in the DOM at once | {maxLines} |");
            Console.WriteLine($"| last line shown after the flood ended | {Stats.Format(lastLine)} |");
            Console.WriteLine($"| view at the end | {count} |");
            await app.StopAsync(ct);
            return 0;
        });
        return command;
    }
}
