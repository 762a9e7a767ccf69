using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Prometheus;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator.Metrics;

/// <summary>
/// vLLM's metrics for the configured release, recorded once into two places: a Prometheus registry of their own (no
/// .NET process metrics), so <c>/metrics</c> is vLLM's exactly for the shim and Prometheus; and OpenTelemetry instruments
/// named by <see cref="VllmMetricCatalog.OtelName"/> (<c>vllm.num_requests_waiting</c>), exported over OTLP to the
/// dashboard. Each record call below feeds both; the gauges of both read the same snapshot.
/// </summary>
public sealed class VllmMetrics
{
    private readonly VllmMetricCatalog _catalog;
    private readonly Gauge.Child _running;
    private readonly Gauge.Child _waiting;
    private readonly Gauge.Child? _kvUsage;
    private readonly Gauge.Child? _gpuUsage;
    private readonly CounterBoth _promptTokens;
    private readonly CounterBoth _generationTokens;
    private readonly CounterBoth? _prefixQueries;
    private readonly CounterBoth? _gpuPrefixQueries;
    private readonly Counter _success;
    private readonly Counter<double>? _successOtel;
    private readonly HistogramBoth _ttft;
    private readonly HistogramBoth? _itl;
    private readonly HistogramBoth? _tpot;
    private readonly HistogramBoth _e2e;
    private readonly HistogramBoth? _queue;
    private readonly HistogramBoth? _inference;
    private readonly HistogramBoth? _prefill;
    private readonly HistogramBoth? _decode;
    private readonly HistogramBoth _promptHist;
    private readonly HistogramBoth _generationHist;
    private readonly HistogramBoth _paramsN;
    private readonly HistogramBoth? _paramsMaxTokens;
    private readonly HistogramBoth? _maxGenerationTokens;
    private readonly HistogramBoth? _bestOf;
    private readonly Gauge.Child? _promptThroughput;
    private readonly Gauge.Child? _generationThroughput;
    private readonly string[] _labelValues;
    private readonly KeyValuePair<string, object?>[] _tags;

    /// <summary>Creates every metric the release has, with its series pre-created at zero as vLLM does.</summary>
    /// <param name="options">The simulator options (version, model name, cache sizes).</param>
    /// <param name="snapshot">Reads running, waiting and KV-cache usage (0–1) just before each scrape or OTel collection.</param>
    /// <param name="meter">The meter of the OpenTelemetry instruments; none when <see langword="null"/>.</param>
    public VllmMetrics(SimulatorOptions options, Func<(int Running, int Waiting, double KvUsage)> snapshot, Meter? meter = null)
    {
        _catalog = VllmMetricCatalog.For(options.Version, options.ShowHiddenMetricsForVersion);
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        var labels = _catalog.Labels;
        _labelValues = _catalog.IsV1 ? [options.ServedModelName, "0"] : [options.ServedModelName];
        var values = _labelValues;
        // vLLM's labels become the OTel attributes; the replica is the OTel resource (service.instance.id).
        _tags = [.. labels.Zip(values, (l, v) => new KeyValuePair<string, object?>(l, v))];
        var tags = _tags;
        var tokenBuckets = VllmMetricCatalog.OneTwoFive(options.MaxModelLen);

        Gauge.Child G(string name, string help, string unit, Func<double>? observe = null)
        {
            meter?.CreateObservableGauge(VllmMetricCatalog.OtelName(name), () => new Measurement<double>(observe?.Invoke() ?? 0, tags), unit, help);
            return f.CreateGauge(Mangle(name), help, new GaugeConfiguration { LabelNames = labels }).WithLabels(values);
        }

        CounterBoth C(string name, string help, string unit) => new(
            f.CreateCounter(Mangle(name), help, new CounterConfiguration { LabelNames = labels }).WithLabels(values),
            meter?.CreateCounter<double>(VllmMetricCatalog.OtelName(name), unit, help));
        HistogramBoth H(string name, string help, string unit, double[] buckets) => new(
            f.CreateHistogram(Mangle(name), help, new HistogramConfiguration { LabelNames = labels, Buckets = buckets }).WithLabels(values),
            meter?.CreateHistogram(VllmMetricCatalog.OtelName(name), unit, help, tags: null,
                new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets }));

        // Cache config as an info-style gauge fixed at 1 (the config is in the labels).
        var blocks = options.KvCacheTokens / options.BlockSize;
        var info = new Dictionary<string, string>
        {
            ["block_size"] = options.BlockSize.ToString(CultureInfo.InvariantCulture),
            ["cache_dtype"] = "auto",
            ["enable_prefix_caching"] = _catalog.IsV1 ? "True" : "False",
            ["gpu_memory_utilization"] = "0.9",
            ["num_cpu_blocks"] = _catalog.IsV1 ? "None" : "2048",
            ["num_gpu_blocks"] = blocks.ToString(CultureInfo.InvariantCulture),
            ["swap_space"] = "4",
        };
        if (_catalog.IsV1)
        {
            info["engine"] = "0";
        }

        f.CreateGauge(Mangle("vllm:cache_config_info"), "Information of the LLMEngine CacheConfig", new GaugeConfiguration { LabelNames = [.. info.Keys] })
            .WithLabels([.. info.Values]).Set(1);

        _running = G("vllm:num_requests_running", "Number of requests in model execution batches.", Units.Request, () => snapshot().Running);
        _waiting = G("vllm:num_requests_waiting", "Number of requests waiting to be processed.", Units.Request, () => snapshot().Waiting);
        if (_catalog.SwapMetrics)
        {
            G("vllm:num_requests_swapped", "Number of requests swapped to CPU.", Units.Request);
            G("vllm:cpu_cache_usage_perc", "CPU KV-cache usage. 1 means 100 percent usage.", Units.Ratio);
        }

        if (_catalog.KvCacheUsage)
        {
            _kvUsage = G("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", Units.Ratio, () => snapshot().KvUsage);
        }

        if (_catalog.GpuCacheUsage)
        {
            _gpuUsage = G("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", Units.Ratio, () => snapshot().KvUsage);
        }

        C("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", Units.Request);
        _promptTokens = C("vllm:prompt_tokens_total", "Number of prefill tokens processed.", Units.Token);
        _generationTokens = C("vllm:generation_tokens_total", "Number of generation tokens processed.", Units.Token);
        if (_catalog.PrefixCacheCounters)
        {
            _prefixQueries = C("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", Units.Token);
            C("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", Units.Token);
        }

        if (_catalog.GpuPrefixCacheCounters)
        {
            _gpuPrefixQueries = C("vllm:gpu_prefix_cache_queries_total", "GPU prefix cache queries, in terms of number of queried tokens.", Units.Token);
            C("vllm:gpu_prefix_cache_hits_total", "GPU prefix cache hits, in terms of number of cached tokens.", Units.Token);
        }

        const string SuccessHelp = "Count of successfully processed requests.";
        _success = f.CreateCounter(Mangle("vllm:request_success_total"), SuccessHelp,
            new CounterConfiguration { LabelNames = [.. labels, "finished_reason"] });
        _successOtel = meter?.CreateCounter<double>(VllmMetricCatalog.OtelName("vllm:request_success_total"), Units.Request, SuccessHelp);
        foreach (var reason in _catalog.FinishReasons)
        {
            _success.WithLabels([.. values, reason]);
        }

        _ttft = H("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", Units.Seconds, _catalog.TtftBuckets);
        if (_catalog.InterTokenLatency)
        {
            _itl = H("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", Units.Seconds, _catalog.TpotBuckets);
        }

        if (_catalog.TimePerOutputToken)
        {
            _tpot = H("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", Units.Seconds, _catalog.TpotBuckets);
        }

        _e2e = H("vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.", Units.Seconds, _catalog.RequestLatencyBuckets);
        if (_catalog.PhaseHistograms)
        {
            _queue = H("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", Units.Seconds, _catalog.RequestLatencyBuckets);
            _inference = H("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", Units.Seconds, _catalog.RequestLatencyBuckets);
            _prefill = H("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", Units.Seconds, _catalog.RequestLatencyBuckets);
            _decode = H("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", Units.Seconds, _catalog.RequestLatencyBuckets);
        }

        _promptHist = H("vllm:request_prompt_tokens", "Number of prefill tokens processed.", Units.Token, tokenBuckets);
        _generationHist = H("vllm:request_generation_tokens", "Number of generation tokens processed.", Units.Token, tokenBuckets);
        _paramsN = H("vllm:request_params_n", "Histogram of the n request parameter.", Units.Dimensionless, [1, 2, 5, 10, 20]);
        if (_catalog.IsV1)
        {
            _paramsMaxTokens = H("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", Units.Token, tokenBuckets);
            _maxGenerationTokens = H("vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation tokens.", Units.Token, tokenBuckets);
        }

        if (_catalog.V0Extras)
        {
            _bestOf = H("vllm:request_params_best_of", "Histogram of the best_of request parameter.", Units.Dimensionless, [1, 2, 5, 10, 20]);
            _promptThroughput = G("vllm:avg_prompt_throughput_toks_per_s", "Average prefill throughput in tokens/s.", Units.TokensPerSecond, () => _promptThroughput!.Value);
            _generationThroughput = G("vllm:avg_generation_throughput_toks_per_s", "Average generation throughput in tokens/s.", Units.TokensPerSecond, () => _generationThroughput!.Value);
        }

        Registry.AddBeforeCollectCallback(() =>
        {
            var (running, waiting, kv) = snapshot();
            _running.Set(running);
            _waiting.Set(waiting);
            _kvUsage?.Set(kv);
            _gpuUsage?.Set(kv);
        });
    }

    /// <summary>The registry served at <c>/metrics</c>.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The metric set in force.</summary>
    public VllmMetricCatalog Catalog => _catalog;

    /// <summary>Counts a request's prompt when its prefill runs (first token).</summary>
    /// <param name="promptTokens">The prompt's tokens.</param>
    public void Prefilled(int promptTokens)
    {
        _promptTokens.Add(promptTokens, _tags);
        _prefixQueries?.Add(promptTokens, _tags);
        _gpuPrefixQueries?.Add(promptTokens, _tags);
    }

    /// <summary>Counts one generated token and the latency since the previous one (none for the first).</summary>
    /// <param name="interTokenSeconds">Seconds since the previous token of the request, or null for the first.</param>
    public void TokenGenerated(double? interTokenSeconds)
    {
        _generationTokens.Add(1, _tags);
        if (interTokenSeconds is { } s)
        {
            _itl?.Observe(s, _tags);
            _tpot?.Observe(s, _tags);
        }
    }

    /// <summary>Records the first token's latency from arrival.</summary>
    /// <param name="seconds">Time to first token.</param>
    public void FirstToken(double seconds) => _ttft.Observe(seconds, _tags);

    /// <summary>Records a finished request (including an abort on V1, which counts it with reason <c>abort</c>).</summary>
    /// <param name="timing">The request's timing and sizes.</param>
    public void Finished(RequestTiming timing)
    {
        if (!_catalog.FinishReasons.Contains(timing.FinishReason))
        {
            return; // V0 does not count aborted requests
        }

        _success.WithLabels([.. _labelValues, timing.FinishReason]).Inc();
        _successOtel?.Add(1, [.. _tags, new("finished_reason", timing.FinishReason)]);
        if (timing.FinishReason == "abort")
        {
            return;
        }

        _e2e.Observe(timing.E2eSeconds, _tags);
        _queue?.Observe(timing.QueueSeconds, _tags);
        _inference?.Observe(timing.InferenceSeconds, _tags);
        _prefill?.Observe(timing.PrefillSeconds, _tags);
        _decode?.Observe(timing.InferenceSeconds - timing.PrefillSeconds, _tags);
        _promptHist.Observe(timing.PromptTokens, _tags);
        _generationHist.Observe(timing.GenerationTokens, _tags);
        _paramsN.Observe(1, _tags);
        _bestOf?.Observe(1, _tags);
        _paramsMaxTokens?.Observe(timing.MaxTokens, _tags);
        _maxGenerationTokens?.Observe(timing.MaxTokens, _tags);
    }

    /// <summary>Sets V0's deprecated average throughput gauges (from the periodic stats log).</summary>
    /// <param name="prompt">Prompt tokens per second.</param>
    /// <param name="generation">Generation tokens per second.</param>
    public void Throughput(double prompt, double generation)
    {
        _promptThroughput?.Set(prompt);
        _generationThroughput?.Set(generation);
    }

    /// <summary>Writes the Prometheus text exposition, with vLLM's <c>vllm:</c> names restored.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task WriteAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, ct).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Unmangle(text)), ct).ConfigureAwait(false);
    }

    /// <summary>A counter in both places: the Prometheus series and the OTel instrument (absent without a meter).</summary>
    private sealed record CounterBoth(Counter.Child Prometheus, Counter<double>? Otel)
    {
        public void Add(double value, KeyValuePair<string, object?>[] tags)
        {
            Prometheus.Inc(value);
            Otel?.Add(value, tags);
        }
    }

    /// <summary>A histogram in both places, with the same buckets.</summary>
    private sealed record HistogramBoth(Histogram.Child Prometheus, Histogram<double>? Otel)
    {
        public void Observe(double value, KeyValuePair<string, object?>[] tags)
        {
            Prometheus.Observe(value);
            Otel?.Record(value, tags);
        }
    }

    /// <summary>UCUM units of the OTel instruments (annotations in braces are counts of a thing).</summary>
    internal static class Units
    {
        public const string Seconds = "s";
        public const string Token = "{token}";
        public const string Request = "{request}";
        public const string Ratio = "1";
        public const string Dimensionless = "1";
        public const string TokensPerSecond = "{token}/s";
    }

    // prometheus-net accepts only [a-zA-Z_][a-zA-Z0-9_]* names, but vLLM's carry a colon (a legal Prometheus
    // recording-rule character). Metrics are registered as vllm__x and renamed in metric-name positions on export.
    private const string WirePrefix = "vllm:";
    private const string RegisteredPrefix = "vllm__";

    internal static string Mangle(string name) =>
        name.StartsWith(WirePrefix, StringComparison.Ordinal) ? RegisteredPrefix + name[WirePrefix.Length..] : name;

    internal static string Unmangle(string exposition)
    {
        var sb = new StringBuilder(exposition.Length);
        foreach (var line in exposition.Split('\n'))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            var at = line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) ? 7 : 0;
            if (string.CompareOrdinal(line, at, RegisteredPrefix, 0, RegisteredPrefix.Length) == 0)
            {
                sb.Append(line, 0, at).Append(WirePrefix).Append(line, at + RegisteredPrefix.Length, line.Length - at - RegisteredPrefix.Length);
            }
            else
            {
                sb.Append(line);
            }
        }

        return sb.ToString();
    }
}

