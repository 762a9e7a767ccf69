using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Hosting.Cli;

/// <summary>
/// The <c>load</c> verb: OpenAI completion requests at a fixed rate against the running app's vLLM endpoint (found
/// through <see cref="RunningAppFile"/>) or <c>--target</c>, printing the achieved rate and latency percentiles.
/// </summary>
internal sealed class LoadCommand : IAppHostCommand
{
    /// <summary>The verb.</summary>
    public const string Verb = "load";

    public Command Create(DistributedApplication app)
    {
        var rate = new Option<double>("--rate") { Description = "Requests started per second.", DefaultValueFactory = _ => 30 };
        var duration = new Option<string>("--duration") { Description = "How long to send: seconds, or with a unit (500ms, 90s, 3m, 1h).", DefaultValueFactory = _ => "60s" };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length in tokens.", DefaultValueFactory = _ => 128 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "max_tokens of each completion.", DefaultValueFactory = _ => 64 };
        var target = new Option<string?>("--target") { Description = "The vLLM base URL; by default the running AppHost's vLLM endpoint." };
        var resource = new Option<string>("--resource") { Description = "The vLLM resource of the running AppHost.", DefaultValueFactory = _ => "vllm" };
        var command = new Command(Verb, "Send OpenAI completion requests to the running app's vLLM at a fixed rate, to rehearse autoscaling.")
        {
            rate, duration, promptTokens, maxTokens, target, resource,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            if (!(parse.GetValue(rate) > 0))
            {
                problems.Add($"--rate must be above 0, not {parse.GetValue(rate).ToString(CultureInfo.InvariantCulture)}.");
            }

            if (!LoadGenerator.TryParseDuration(parse.GetValue(duration), out var length))
            {
                problems.Add($"--duration '{parse.GetValue(duration)}' is not a duration: use seconds (90) or a unit (500ms, 90s, 3m, 1h).");
            }

            if (parse.GetValue(promptTokens) < 1 || parse.GetValue(maxTokens) < 1)
            {
                problems.Add("--prompt-tokens and --max-tokens must be at least 1.");
            }

            Uri? url = null;
            if (parse.GetValue(target) is { } given && !(Uri.TryCreate(given, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
            {
                problems.Add($"--target '{given}' is not an http(s) URL; give vLLM's base URL, e.g. http://127.0.0.1:8000.");
            }

            if (url is null && problems.Count == 0)
            {
                var paths = app.Services.GetRequiredService<AppHostPaths>();
                var running = RunningAppFile.Read(paths.DataDirectory);
                var name = parse.GetValue(resource)!;
                if (running is null || !running.Resources.TryGetValue(name, out var found))
                {
                    problems.Add(running is null
                        ? $"No running AppHost found ({Path.Combine(paths.DataDirectory, RunningAppFile.FileName)} is absent or stale): start it with `dotnet run --project AppHost`, or pass --target URL."
                        : $"The running AppHost has no running resource '{name}' (running: {string.Join(", ", running.Resources.Keys)}); pass --resource or --target URL.");
                }
                else
                {
                    url = new Uri(found);
                }
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
                }

                return 2;
            }

            var settings = new LoadSettings(url!, parse.GetValue(rate), length, parse.GetValue(promptTokens), parse.GetValue(maxTokens));
            AnsiConsole.MarkupLine($"Sending [bold]{settings.Rate.ToString(CultureInfo.InvariantCulture)}[/] requests/s for [bold]{settings.Duration}[/] to [link]{Markup.Escape(settings.Target.ToString())}[/] (prompt {settings.PromptTokens} tokens, max_tokens {settings.MaxTokens}).");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
            LoadResult result;
            try
            {
                result = await LoadGenerator.RunAsync(http, settings,
                    (sent, ok, failed, inFlight) => AnsiConsole.MarkupLine($"  sent {sent}, ok {ok}, failed {failed}, in flight {inFlight}"),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
            {
                await Console.Error.WriteLineAsync($"Cannot load {settings.Target}: {e.Message}. Is the AppHost running and vLLM healthy?").ConfigureAwait(false);
                return 1;
            }

            var table = new Table().AddColumns("sent", "ok", "failed", "achieved req/s", "p50", "p90", "p99", "max");
            table.AddRow(
                result.Sent.ToString(CultureInfo.InvariantCulture), result.Succeeded.ToString(CultureInfo.InvariantCulture), result.Failed.ToString(CultureInfo.InvariantCulture),
                result.AchievedRate.ToString("F2", CultureInfo.InvariantCulture),
                Ms(result.Percentile(50)), Ms(result.Percentile(90)), Ms(result.Percentile(99)), Ms(result.Percentile(100)));
            AnsiConsole.Write(table);
            // One plain line as well, for scripts and narrow terminals where the table wraps.
            Console.WriteLine($"Achieved {result.AchievedRate.ToString("F2", CultureInfo.InvariantCulture)} req/s ({result.Succeeded} ok of {result.Sent} sent, {result.Failed} failed); latency p50 {Ms(result.Percentile(50))}, p90 {Ms(result.Percentile(90))}, p99 {Ms(result.Percentile(99))}, max {Ms(result.Percentile(100))}");
            return result.Succeeded > 0 ? 0 : 1;
        });
        return command;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms";
}
