using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.Vllm;

/// <summary>
/// The <c>generate-load</c> command: OpenAI completion requests at a fixed rate against a vLLM resource's endpoint (the
/// proxy in front of every replica), so autoscaling can be rehearsed from the dashboard or a terminal. It is on the
/// vLLM resource and, when it autoscales, on its <c>{name}-hpa</c> resource, whose name stays the same while the
/// replicas' names carry suffixes: <c>dotnet aspire resource vllm-hpa generate-load 30 60s</c>. Progress goes to the
/// resource's console log; the result (achieved rate, latency percentiles) is the command's message.
/// </summary>
internal static class VllmLoadCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "generate-load";

    /// <summary>Adds the command.</summary>
    /// <typeparam name="T">The resource the command is on.</typeparam>
    /// <param name="builder">The resource the command is on.</param>
    /// <param name="vllm">The vLLM resource it loads.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<T> WithLoadCommand<T>(this IResourceBuilder<T> builder, VllmResource vllm) where T : IResource
    {
        return builder.WithCommand(Name, "Generate load", context => RunAsync(vllm, context), new CommandOptions
        {
            Description = "Sends OpenAI completion requests at a fixed rate, to rehearse autoscaling.",
            IconName = "TopSpeed",
            Arguments =
            [
                new InteractionInput { Name = "rate", Label = "Requests per second", InputType = InputType.Number, Value = "30", Required = true },
                new InteractionInput { Name = "duration", Label = "Duration (90s, 3m)", InputType = InputType.Text, Value = "60s", Required = true },
                new InteractionInput { Name = "prompt-tokens", Label = "Prompt tokens", InputType = InputType.Number, Value = "128" },
                new InteractionInput { Name = "max-tokens", Label = "max_tokens", InputType = InputType.Number, Value = "64" },
            ],
            ValidateArguments = context =>
            {
                foreach (var input in context.Inputs)
                {
                    if (Problem(input.Name, input.Value) is { } problem)
                    {
                        context.AddValidationError(input, problem);
                    }
                }

                return Task.CompletedTask;
            },
        });
    }

    private static string? Problem(string name, string? value) => name switch
    {
        "rate" when !(double.TryParse(value, CultureInfo.InvariantCulture, out var rate) && rate > 0) => $"rate '{value}' must be a number of requests per second above 0.",
        "duration" when !LoadGenerator.TryParseDuration(value, out _) => $"duration '{value}' is not a duration: use seconds (90) or a unit (500ms, 90s, 3m, 1h).",
        "prompt-tokens" or "max-tokens" when !string.IsNullOrEmpty(value) && !(int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1) => $"{name} '{value}' must be a whole number, at least 1.",
        _ => null,
    };

    private static async Task<ExecuteCommandResult> RunAsync(VllmResource vllm, ExecuteCommandContext context)
    {
        string? Argument(string name) => context.Arguments.FirstOrDefault(a => a.Name == name)?.Value;
        var problems = new[] { "rate", "duration", "prompt-tokens", "max-tokens" }.Select(n => Problem(n, Argument(n))).OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return CommandResults.Failure(string.Join(" ", problems));
        }

        LoadGenerator.TryParseDuration(Argument("duration"), out var duration);
        var settings = new LoadSettings(
            new Uri(vllm.HttpEndpoint.Url),
            double.Parse(Argument("rate")!, CultureInfo.InvariantCulture),
            duration,
            int.TryParse(Argument("prompt-tokens"), CultureInfo.InvariantCulture, out var prompt) ? prompt : 128,
            int.TryParse(Argument("max-tokens"), CultureInfo.InvariantCulture, out var max) ? max : 64);
        var logger = context.Logger;
        logger.LogInformation("Generating load: {Rate} requests/s for {Duration} to {Target} (prompt {Prompt} tokens, max_tokens {Max}).",
            settings.Rate, settings.Duration, settings.Target, settings.PromptTokens, settings.MaxTokens);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        LoadResult result;
        try
        {
            result = await LoadGenerator.RunAsync(http, settings,
                (sent, ok, failed, inFlight) => logger.LogInformation("Load: sent {Sent}, ok {Ok}, failed {Failed}, in flight {InFlight}.", sent, ok, failed, inFlight),
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return CommandResults.Failure($"Cannot load {settings.Target}: {e.Message}. Is vLLM healthy?");
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Achieved {result.AchievedRate:F2} req/s ({result.Succeeded} ok of {result.Sent} sent, {result.Failed} failed); latency p50 {Ms(result.Percentile(50))}, p90 {Ms(result.Percentile(90))}, p99 {Ms(result.Percentile(99))}, max {Ms(result.Percentile(100))}.");
        logger.LogInformation("{Summary}", summary);
        return result.Succeeded > 0 ? CommandResults.Success(summary) : CommandResults.Failure(summary);
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms";
}
