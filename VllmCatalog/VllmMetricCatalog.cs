namespace VllmAspire.VllmCatalog;

/// <summary>
/// The one place that says which vLLM metrics a release exposes, with which labels and histogram buckets
/// (reference: shared/reference/metrics.md §6): the simulator serves exactly <see cref="Names"/> and publishing
/// refuses an autoscaling metric the release does not have. Deprecation policy: a metric deprecated in X.Y is hidden in
/// X.Y+1 (shown again by <c>--show-hidden-metrics-for-version=X.Y</c>) and removed in X.Y+2.
/// </summary>
public sealed record VllmMetricCatalog
{
    /// <summary>Whether the V1 engine's set applies (0.8+).</summary>
    public required bool IsV1 { get; init; }

    /// <summary>Labels of every series: <c>model_name</c>, plus <c>engine</c> on V1.</summary>
    public required string[] Labels { get; init; }

    /// <summary><c>vllm:kv_cache_usage_perc</c> (PR #18354, first released in 0.9.1).</summary>
    public required bool KvCacheUsage { get; init; }

    /// <summary><c>vllm:gpu_cache_usage_perc</c>: always on V0; on V1 deprecated (0.9.x/0.10), hidden in 0.11, removed in 0.12 (PR #29330).</summary>
    public required bool GpuCacheUsage { get; init; }

    /// <summary>V0-only gauges <c>vllm:cpu_cache_usage_perc</c> and <c>vllm:num_requests_swapped</c>.</summary>
    public required bool SwapMetrics { get; init; }

    /// <summary><c>vllm:inter_token_latency_seconds</c> (V1, 0.11+).</summary>
    public required bool InterTokenLatency { get; init; }

    /// <summary><c>vllm:time_per_output_token_seconds</c>: V0 and V1 until deprecated in 0.11, hidden 0.12, removed 0.13.</summary>
    public required bool TimePerOutputToken { get; init; }

    /// <summary>V1 request phase histograms: queue, inference, prefill, decode.</summary>
    public required bool PhaseHistograms { get; init; }

    /// <summary>V1 prefix-cache counters <c>vllm:prefix_cache_queries_total</c>/<c>_hits_total</c> (0.9.1+).</summary>
    public required bool PrefixCacheCounters { get; init; }

    /// <summary>V1 <c>vllm:gpu_prefix_cache_queries_total</c>/<c>_hits_total</c>, renamed alongside the cache gauge.</summary>
    public required bool GpuPrefixCacheCounters { get; init; }

    /// <summary>V0's deprecated throughput gauges and <c>request_params_best_of</c>.</summary>
    public required bool V0Extras { get; init; }

    /// <summary>Finish reasons pre-created on <c>vllm:request_success_total</c> (V1 also counts aborts).</summary>
    public required string[] FinishReasons { get; init; }

    /// <summary>Buckets of <c>vllm:time_to_first_token_seconds</c>.</summary>
    public required double[] TtftBuckets { get; init; }

    /// <summary>Buckets of the per-output-token latency histograms.</summary>
    public required double[] TpotBuckets { get; init; }

    /// <summary>Buckets of <c>vllm:e2e_request_latency_seconds</c> and the V1 phase histograms.</summary>
    public required double[] RequestLatencyBuckets { get; init; }

    /// <summary>The catalog for a release.</summary>
    /// <param name="version">The imitated release.</param>
    /// <param name="showHidden">The <c>--show-hidden-metrics-for-version</c> value, if any.</param>
    /// <returns>The catalog.</returns>
    public static VllmMetricCatalog For(VllmVersion version, VllmVersion? showHidden)
    {
        if (!version.IsV1)
        {
            return new VllmMetricCatalog
            {
                IsV1 = false,
                Labels = ["model_name"],
                KvCacheUsage = false,
                GpuCacheUsage = true,
                SwapMetrics = true,
                InterTokenLatency = false,
                TimePerOutputToken = true,
                PhaseHistograms = false,
                PrefixCacheCounters = false,
                GpuPrefixCacheCounters = false,
                V0Extras = true,
                FinishReasons = ["stop", "length"],
                // vllm/engine/metrics.py (0.4/0.5 era)
                TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
                TpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
                RequestLatencyBuckets = [1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            };
        }

        // A metric hidden from 0.H is shown before 0.H, shown in 0.H only with --show-hidden-metrics-for-version
        // 0.(H-1) (vLLM compares with the previous minor), and gone from 0.(H+1).
        bool Visible(int hiddenFromMinor) =>
            version.Major == 0 && (version.Minor < hiddenFromMinor
                || (version.Minor == hiddenFromMinor && showHidden is { Major: 0 } h && h.Minor == hiddenFromMinor - 1));

        return new VllmMetricCatalog
        {
            IsV1 = true,
            Labels = ["model_name", "engine"],
            KvCacheUsage = version.AtLeast(0, 9, 1),
            GpuCacheUsage = Visible(11),
            SwapMetrics = false,
            InterTokenLatency = version.AtLeast(0, 11),
            TimePerOutputToken = Visible(12),
            PhaseHistograms = true,
            PrefixCacheCounters = version.AtLeast(0, 9, 1),
            GpuPrefixCacheCounters = Visible(11),
            V0Extras = false,
            FinishReasons = ["stop", "length", "abort"],
            // vllm/v1/metrics/loggers.py
            TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0],
            TpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0],
            RequestLatencyBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0],
        };
    }

    /// <summary>
    /// Metrics renamed between releases (V0 → V1 and the 0.9–0.12 deprecations), both ways: the KV-cache gauge, the
    /// prefix-cache counters and the per-token latency histogram.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["vllm:gpu_cache_usage_perc"] = "vllm:kv_cache_usage_perc",
        ["vllm:kv_cache_usage_perc"] = "vllm:gpu_cache_usage_perc",
        ["vllm:gpu_prefix_cache_queries_total"] = "vllm:prefix_cache_queries_total",
        ["vllm:prefix_cache_queries_total"] = "vllm:gpu_prefix_cache_queries_total",
        ["vllm:gpu_prefix_cache_hits_total"] = "vllm:prefix_cache_hits_total",
        ["vllm:prefix_cache_hits_total"] = "vllm:gpu_prefix_cache_hits_total",
        ["vllm:time_per_output_token_seconds"] = "vllm:inter_token_latency_seconds",
        ["vllm:inter_token_latency_seconds"] = "vllm:time_per_output_token_seconds",
    };

    /// <summary>The Prometheus names of every metric family the release serves (counters with <c>_total</c>).</summary>
    public IReadOnlySet<string> Names
    {
        get
        {
            var names = new SortedSet<string>(StringComparer.Ordinal)
            {
                "vllm:cache_config_info", "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:num_preemptions_total",
                "vllm:prompt_tokens_total", "vllm:generation_tokens_total", "vllm:request_success_total",
                "vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds",
                "vllm:request_prompt_tokens", "vllm:request_generation_tokens", "vllm:request_params_n",
            };
            void AddIf(bool condition, params string[] more)
            {
                if (condition)
                {
                    names.UnionWith(more);
                }
            }

            AddIf(SwapMetrics, "vllm:num_requests_swapped", "vllm:cpu_cache_usage_perc");
            AddIf(KvCacheUsage, "vllm:kv_cache_usage_perc");
            AddIf(GpuCacheUsage, "vllm:gpu_cache_usage_perc");
            AddIf(PrefixCacheCounters, "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total");
            AddIf(GpuPrefixCacheCounters, "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total");
            AddIf(InterTokenLatency, "vllm:inter_token_latency_seconds");
            AddIf(TimePerOutputToken, "vllm:time_per_output_token_seconds");
            AddIf(PhaseHistograms, "vllm:request_queue_time_seconds", "vllm:request_inference_time_seconds",
                "vllm:request_prefill_time_seconds", "vllm:request_decode_time_seconds");
            AddIf(IsV1, "vllm:request_params_max_tokens", "vllm:request_max_num_generation_tokens");
            AddIf(V0Extras, "vllm:request_params_best_of", "vllm:avg_prompt_throughput_toks_per_s", "vllm:avg_generation_throughput_toks_per_s");
            return names;
        }
    }

    /// <summary>Whether the release serves <paramref name="metric"/>; otherwise the name it serves instead, if it was renamed.</summary>
    /// <param name="metric">A Prometheus metric name, e.g. <c>vllm:gpu_cache_usage_perc</c>.</param>
    /// <param name="instead">The release's name for the same metric, when there is one.</param>
    /// <returns>Whether the release serves <paramref name="metric"/>.</returns>
    public bool Has(string metric, out string? instead)
    {
        var names = Names;
        instead = null;
        if (names.Contains(metric))
        {
            return true;
        }

        if (Aliases.TryGetValue(metric, out var alias) && names.Contains(alias))
        {
            instead = alias;
        }

        return false;
    }

    /// <summary>
    /// The OpenTelemetry instrument name of a vLLM metric: OTel names cannot contain <c>:</c>, so <c>vllm:</c> becomes
    /// <c>vllm.</c>, and a counter loses the <c>_total</c> that Prometheus exposition adds (an OTel Prometheus exporter adds it
    /// back). <c>vllm:num_requests_waiting</c> is <c>vllm.num_requests_waiting</c>; <c>vllm:prompt_tokens_total</c> is
    /// <c>vllm.prompt_tokens</c>.
    /// </summary>
    /// <param name="prometheusName">vLLM's Prometheus name.</param>
    /// <returns>The OTel name.</returns>
    public static string OtelName(string prometheusName)
    {
        ArgumentException.ThrowIfNullOrEmpty(prometheusName);
        var name = prometheusName.Replace(':', '.');
        return name.EndsWith("_total", StringComparison.Ordinal) ? name[..^"_total".Length] : name;
    }

    /// <summary>vLLM's <c>build_1_2_5_buckets(max)</c>: 1, 2, 5, 10, 20, 50, ... up to <paramref name="max"/>.</summary>
    /// <param name="max">The largest bucket bound.</param>
    /// <returns>The buckets.</returns>
    public static double[] OneTwoFive(int max)
    {
        var buckets = new List<double>();
        for (long exponent = 1; ; exponent *= 10)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                var v = m * exponent;
                if (v > max)
                {
                    return [.. buckets];
                }

                buckets.Add(v);
            }
        }
    }
}
