using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Reads metrics by scraping each pod's <c>/metrics</c>: fresh values with no Prometheus in between. A scrape is
/// reused for <see cref="ShimOptions.ScrapeCache"/> (concurrent callers share one request), at most
/// <see cref="ShimOptions.MaxConcurrentScrapes"/> run at once, each within <see cref="ShimOptions.ScrapeTimeout"/>;
/// a pod that does not answer in time is missing.
/// </summary>
internal sealed class ScrapeMetricSource : IMetricSource, IDisposable
{
    /// <summary>Marks a scrape request, so the shim's own tracing leaves the hundreds of scrapes per second out.</summary>
    public static readonly HttpRequestOptionsKey<bool> IsScrape = new("VllmAspire.MetricsAdapterShim.Scrape");

    // A pod whose exposition is larger than this is treated as not answering rather than growing the shim's memory.
    private const int MaxScrapeBytes = 16 * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly ShimOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _concurrency;
    private readonly ConcurrentDictionary<Uri, Scrape> _scrapes = new();
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _wanted = new();
    private readonly HashSet<string> _served;

    public ScrapeMetricSource(HttpClient http, IOptions<ShimOptions> options, TimeProvider time)
    {
        _http = http;
        _options = options.Value;
        _time = time;
        _concurrency = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentScrapes));
        // Only the served metrics (and their aliases) are kept from a scrape: vLLM exposes hundreds of series.
        _served = new HashSet<string>(_options.Metrics.SelectMany(m => MetricName.TryParse(m, out var name, out _) ? name.Candidates : [m]), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<string, double>> GetAsync(string ns, IReadOnlyList<PodInfo> pods, MetricName metric, LabelSelector metricSelector, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var values = new Dictionary<string, double>(pods.Count, StringComparer.Ordinal);
        List<(PodInfo Pod, Task<Scrape> Scrape)>? fetching = null;
        foreach (var pod in pods)
        {
            if (pod.MetricsUrl is not { } url)
            {
                continue;
            }

            _wanted[url] = now;
            // Usually every pod's scrape is fresh (kept so in the background): read it synchronously, no task per pod.
            if (TryGetFresh(url, _options.ScrapeCache, now) is { } fresh)
            {
                Add(values, pod, fresh, metric, metricSelector);
            }
            else
            {
                (fetching ??= []).Add((pod, GetScrapeAsync(url, _options.ScrapeCache)));
            }
        }

        foreach (var (pod, scrape) in fetching ?? [])
        {
            Add(values, pod, await scrape.ConfigureAwait(false), metric, metricSelector);
        }

        return values;
    }

    private static void Add(Dictionary<string, double> values, PodInfo pod, Scrape scrape, MetricName metric, LabelSelector metricSelector)
    {
        if (scrape.Samples is not null && Read(scrape, metric, metricSelector) is { } value)
        {
            values[pod.Name] = value;
        }
    }

    /// <summary>
    /// Re-scrapes the pods queried within <see cref="ShimOptions.KeepFreshFor"/> whose scrape is older than
    /// <see cref="ShimOptions.KeepFresh"/>, and forgets the others (so memory follows the pods that exist).
    /// </summary>
    public async Task RefreshAsync()
    {
        var now = _time.GetUtcNow();
        var refreshes = new List<Task>();
        foreach (var (url, wanted) in _wanted)
        {
            if (now - wanted > _options.KeepFreshFor)
            {
                _wanted.TryRemove(url, out _);
                _scrapes.TryRemove(url, out _);
            }
            else
            {
                refreshes.Add(GetScrapeAsync(url, _options.KeepFresh));
            }
        }

        await Task.WhenAll(refreshes).ConfigureAwait(false);
    }

    public void Dispose() => _concurrency.Dispose();

    private static double? Read(Scrape scrape, MetricName metric, LabelSelector selector)
    {
        foreach (var name in metric.Candidates)
        {
            var now = PrometheusText.Sum(scrape.Samples!, name, selector);
            if (now is null)
            {
                continue;
            }

            if (!metric.IsCounter)
            {
                return now;
            }

            // A counter becomes a per-second rate between this scrape and the one before; without one, or after a
            // counter reset, the pod has no value yet rather than an invented one.
            if (scrape.Previous?.Samples is not { } before || PrometheusText.Sum(before, name, selector) is not { } then)
            {
                return null;
            }

            var seconds = (scrape.At - scrape.Previous.At).TotalSeconds;
            return seconds > 0 && now >= then ? (now - then) / seconds : null;
        }

        return null;
    }

    // A finished scrape younger than maxAge, or null. While a scrape is under way (often the background refresh) the
    // finished one before it still answers when young enough, so an HPA query never queues behind a refresh.
    private Scrape? TryGetFresh(Uri url, TimeSpan maxAge, DateTimeOffset now)
    {
        if (!_scrapes.TryGetValue(url, out var existing))
        {
            return null;
        }

        var finished = existing.Pending is null ? existing : existing.Previous is { Pending: null } last ? last : null;
        return finished is not null && now - finished.At < maxAge ? finished : null;
    }

    private async Task<Scrape> GetScrapeAsync(Uri url, TimeSpan maxAge)
    {
        while (true)
        {
            var now = _time.GetUtcNow();
            if (TryGetFresh(url, maxAge, now) is { } fresh)
            {
                return fresh;
            }

            _scrapes.TryGetValue(url, out var existing);
            if (existing?.Pending is { } pending)
            {
                return await pending.ConfigureAwait(false);
            }

            var source = new TaskCompletionSource<Scrape>(TaskCreationOptions.RunContinuationsAsynchronously);
            var placeholder = new Scrape(now, null, existing?.Pending is null ? existing : existing.Previous) { Pending = source.Task };
            if (existing is null ? !_scrapes.TryAdd(url, placeholder) : !_scrapes.TryUpdate(url, placeholder, existing))
            {
                continue;
            }

            List<PrometheusSample>? samples = null;
            try
            {
                samples = await FetchAsync(url).ConfigureAwait(false);
            }
            finally
            {
                // Always settle the placeholder: callers waiting on it must never hang, whatever the fetch did.
                // Keep the last good scrape as the counter baseline; a failed scrape is not a baseline.
                var previous = existing?.Samples is not null ? existing with { Previous = null } : existing?.Previous;
                var done = new Scrape(_time.GetUtcNow(), samples, previous);
                _scrapes[url] = done;
                source.SetResult(done);
            }

            return (await source.Task.ConfigureAwait(false));
        }
    }

    private async Task<List<PrometheusSample>?> FetchAsync(Uri url)
    {
        using var timeout = new CancellationTokenSource(_options.ScrapeTimeout);
        try
        {
            await _concurrency.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        byte[]? buffer = null;
        try
        {
            // Streamed into a pooled buffer and parsed as UTF-8: no per-scrape body string or growing MemoryStream.
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Options.Set(IsScrape, true);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var declared = response.Content.Headers.ContentLength;
            if (declared > MaxScrapeBytes)
            {
                return null;
            }

            // Sized to the body (+1 so a full buffer means "more may follow"); small enough to stay off the large object heap.
            buffer = ArrayPool<byte>.Shared.Rent(declared is { } size ? (int)size + 1 : 16 * 1024);
            var length = 0;
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxScrapeBytes)
                        {
                            return null;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }

            return PrometheusText.Parse(buffer.AsSpan(0, length), _served);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // A loading or dead pod does not answer (or drops the connection mid-body, an IOException once the
            // body is streamed): it is missing, which the HPA treats as such.
            return null;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _concurrency.Release();
        }
    }

    private sealed record Scrape(DateTimeOffset At, List<PrometheusSample>? Samples, Scrape? Previous)
    {
        public Task<Scrape>? Pending { get; init; }
    }
}
