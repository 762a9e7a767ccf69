using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace VllmAspire.Hosting.Vllm;

/// <summary>Settings of one load run.</summary>
/// <param name="Target">The OpenAI-compatible server (vLLM) base URL.</param>
/// <param name="Rate">Requests started per second (open loop: late responses do not slow the sender).</param>
/// <param name="Duration">How long requests are started.</param>
/// <param name="PromptTokens">Words in each prompt (one token each with the sample model's tokenizer).</param>
/// <param name="MaxTokens">The <c>max_tokens</c> of each completion.</param>
public sealed record LoadSettings(Uri Target, double Rate, TimeSpan Duration, int PromptTokens, int MaxTokens);

/// <summary>What a load run achieved.</summary>
/// <param name="Sent">Requests started.</param>
/// <param name="Succeeded">Requests answered with 2xx.</param>
/// <param name="Failed">Requests that failed or timed out.</param>
/// <param name="Elapsed">From the first request to the last answer.</param>
/// <param name="Latencies">Latency of each successful request, sorted.</param>
public sealed record LoadResult(int Sent, int Succeeded, int Failed, TimeSpan Elapsed, IReadOnlyList<TimeSpan> Latencies)
{
    /// <summary>Gets the achieved rate of successful requests per second.</summary>
    public double AchievedRate => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    /// <summary>Gets a latency percentile (nearest rank), or zero without successes.</summary>
    /// <param name="percentile">0–100.</param>
    /// <returns>The latency.</returns>
    public TimeSpan Percentile(double percentile) =>
        Latencies.Count == 0 ? TimeSpan.Zero : Latencies[Math.Clamp((int)Math.Ceiling(percentile / 100 * Latencies.Count) - 1, 0, Latencies.Count - 1)];
}

/// <summary>Sends OpenAI completion requests at a fixed rate, as the <c>load</c> verb does.</summary>
public static class LoadGenerator
{
    /// <summary>Runs the load: learns the served model from <c>/v1/models</c>, then starts requests at the rate.</summary>
    /// <param name="http">The client (no timeout of its own needed).</param>
    /// <param name="settings">The settings.</param>
    /// <param name="progress">Called about every five seconds with (sent, succeeded, failed, in flight).</param>
    /// <param name="cancellationToken">Stops sending; the result covers what was sent.</param>
    /// <returns>The result.</returns>
    public static async Task<LoadResult> RunAsync(HttpClient http, LoadSettings settings, Action<int, int, int, int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        var model = await GetModelAsync(http, settings.Target, cancellationToken).ConfigureAwait(false);
        var prompt = string.Join(' ', Enumerable.Range(0, settings.PromptTokens).Select(i => $"w{i % 97}"));
        var body = JsonSerializer.Serialize(new { model, prompt, max_tokens = settings.MaxTokens, temperature = 0 });
        var url = new Uri(settings.Target, "/v1/completions");

        var latencies = new List<TimeSpan>();
        int sent = 0, succeeded = 0, failed = 0, inFlight = 0;
        var requests = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / settings.Rate);
        var nextReport = TimeSpan.FromSeconds(5);
        using var inFlightStop = new CancellationTokenSource();
        try
        {
            while (clock.Elapsed < settings.Duration && !cancellationToken.IsCancellationRequested)
            {
                // Start every request that is due by now: the schedule is fixed, whatever the server does.
                var due = (int)Math.Min(Math.Floor(clock.Elapsed / interval) + 1, Math.Ceiling(settings.Duration / interval));
                while (sent < due)
                {
                    sent++;
                    Interlocked.Increment(ref inFlight);
                    requests.Add(SendAsync());
                }

                if (clock.Elapsed >= nextReport)
                {
                    progress?.Invoke(sent, Volatile.Read(ref succeeded), Volatile.Read(ref failed), Volatile.Read(ref inFlight));
                    nextReport += TimeSpan.FromSeconds(5);
                }

                var wait = sent * interval - clock.Elapsed;
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // Answers to requests already sent still count; give them a bounded time.
        inFlightStop.CancelAfter(cancellationToken.IsCancellationRequested ? TimeSpan.Zero : TimeSpan.FromSeconds(60));
        await Task.WhenAll(requests).ConfigureAwait(false);
        latencies.Sort();
        return new LoadResult(sent, succeeded, failed, clock.Elapsed, latencies);

        async Task SendAsync()
        {
            var started = clock.Elapsed;
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, content, inFlightStop.Token).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync(inFlightStop.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var latency = clock.Elapsed - started;
                    lock (latencies)
                    {
                        latencies.Add(latency);
                    }

                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    private static async Task<string> GetModelAsync(HttpClient http, Uri target, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(target, "/v1/models"), cancellationToken).ConfigureAwait(false));
        var models = document.RootElement.GetProperty("data");
        return models.GetArrayLength() > 0 && models[0].GetProperty("id").GetString() is { } id
            ? id
            : throw new InvalidOperationException($"{target} serves no model (GET /v1/models returned an empty list).");
    }

    /// <summary>Parses a duration: seconds (<c>90</c>) or with a unit (<c>500ms</c>, <c>90s</c>, <c>3m</c>, <c>1h</c>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>Whether the text is a positive duration.</returns>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1d)
            : t.EndsWith('m') ? (t[..^1], 60d)
            : t.EndsWith('h') ? (t[..^1], 3600d)
            : (t, 1d);
        if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !(value > 0) || value * unit > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }
}
