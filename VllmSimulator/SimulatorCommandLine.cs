using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// The <c>vllm serve</c>-shaped command line. Flags vLLM has but the simulator does not model either are accepted
/// as no-ops (so the same argument list works for the real server and the stand-in) or rejected by the parser
/// with a clear message.
/// </summary>
public static class SimulatorCommandLine
{
    private static Option<T> Opt<T>(string name, string description, Func<T>? defaultValue = null)
    {
        // vLLM accepts both --max-num-seqs and --max_num_seqs.
        var aliases = name.Contains('-', StringComparison.Ordinal) && name.LastIndexOf('-') > 1
            ? new[] { "--" + name[2..].Replace('-', '_') }
            : [];
        var option = new Option<T>(name, aliases) { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue();
        }

        return option;
    }

    /// <summary>Builds the root command; <paramref name="run"/> receives the validated options.</summary>
    /// <param name="run">Runs the simulator and returns the exit code.</param>
    /// <returns>The command.</returns>
    public static RootCommand Build(Func<SimulatorOptions, CancellationToken, Task<int>> run)
    {
        var model = Opt<string>("--model", "Folder holding the model's *.safetensors shards (Hugging Face layout).");
        model.Required = true;
        var served = Opt<string?>("--served-model-name", "Model name in the API (default: the model folder's name).");
        var host = Opt("--host", "Address to listen on.", () => "127.0.0.1");
        // An orchestrator that gives each replica its own port (Aspire) sets PORT; vLLM's own default is 8000.
        var port = Opt("--port", "Port to listen on (0: a free port, reported in the log); default: the PORT environment variable, else 8000.",
            () => int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var fromEnvironment) ? fromEnvironment : 8000);
        var maxNumSeqs = Opt("--max-num-seqs", "Maximum number of requests running at once.", () => 256);
        var maxModelLen = Opt("--max-model-len", "Context length in tokens.", () => 4096);
        var version = Opt("--vllm-version", "vLLM release to imitate: < 0.8 is the V0 engine, >= 0.8 V1.", () => "0.10.1");
        var ttft = Opt("--ttft-ms", "Time to first token once scheduled, in ms.", () => 50.0);
        var tpot = Opt("--tpot-ms", "Time per further output token, in ms.", () => 10.0);
        var engineStart = Opt<double?>("--engine-start-seconds", "The old one-delay start: N seconds, then the weights, then ready (same as --imports-seconds 0 --engine-seconds N with no compile or graph phase). Not with the phase options.");
        var defaults = new StartupPhaseOptions();
        var timeScale = Opt("--startup-time-scale", "Multiplies every simulated start-up phase (0: instant). The weight load is real and not scaled (simulator only).", () => defaults.TimeScale);
        var imports = Opt("--imports-seconds", "Python/CUDA imports before vLLM's first line, in seconds (simulator only).", () => defaults.ImportsSeconds);
        var engine = Opt("--engine-seconds", "vLLM config and engine-core set-up before the weights, in seconds (simulator only).", () => defaults.EngineSeconds);
        var compile = Opt("--compile-seconds", "torch.compile with no cache entry (writes one), in seconds (simulator only).", () => defaults.CompileSeconds);
        var compileHit = Opt("--compile-cache-hit-seconds", "torch.compile from a matching cache entry, in seconds (simulator only).", () => defaults.CompileCacheHitSeconds);
        var graphs = Opt("--graph-capture-seconds", "CUDA graph capture, in seconds (simulator only).", () => defaults.GraphCaptureSeconds);
        var cacheRoot = Opt<string?>("--compile-cache-root", "vLLM's cache root (as VLLM_CACHE_ROOT, which is the default): torch_compile_cache/HASH/rank_0_0/backbone. Unset: no compile cache (simulator only).");
        var gpuName = Opt("--gpu-name", "The simulated GPU, part of the compile-cache key (simulator only).", () => defaults.GpuName);
        var enforceEager = Opt<bool>("--enforce-eager", "No torch.compile and no CUDA graphs.");
        var dtype = Opt("--dtype", "Part of the compile-cache key; otherwise ignored.", () => "auto");
        var tensorParallel = Opt("--tensor-parallel-size", "Part of the compile-cache key; otherwise ignored (one simulated GPU).", () => 1);
        Option<double>[] phaseOptions = [timeScale, imports, engine, compile, compileHit, graphs];
        var kvTokens = Opt("--kv-cache-tokens", "KV-cache capacity in tokens.", () => 131072);
        var blockSize = Opt("--block-size", "KV-cache block size in tokens.", () => 16);
        var showHidden = Opt<string?>("--show-hidden-metrics-for-version", "Show metrics hidden since this version.");
        var apiKey = Opt<string?>("--api-key", "Require this key as a Bearer token on /v1 routes.");
        var disableLogStats = Opt<bool>("--disable-log-stats", "Do not log periodic engine stats.");
        var loaderConfig = Opt<string?>("--model-loader-extra-config", "JSON; {\"enable_multithread_load\":true,\"num_threads\":N} loads shards in parallel (0.10.2+).");
        var loadStrategy = Opt<string?>("--safetensors-load-strategy", "lazy or eager (0.10.2+); accepted, loading is always mmap-based here.");
        loadStrategy.AcceptOnlyFromAmong("lazy", "eager");
        var loadFormat = Opt<string?>("--load-format", "auto or safetensors; other loaders are not simulated.");
        var prefetcher = Opt<string?>("--prefetcher", "The Provisioner (executable or .dll): runs `prefetch MODEL --keep-running` beside the engine, as the published pod's sidecar (simulator only).");
        var prefetchConcurrency = Opt("--prefetch-concurrency", "The prefetcher's reads in flight (simulator only).", () => 16);
        loadFormat.AcceptOnlyFromAmong("auto", "safetensors");

        // Real vLLM flags that change nothing observable here: accepted so one argument list fits both.
        Option[] noOps =
        [
            Opt<double?>("--gpu-memory-utilization", "Accepted, ignored."),
            Opt<int?>("--seed", "Accepted, ignored."),
            Opt<double?>("--swap-space", "Accepted, ignored."),
            Opt<bool>("--disable-log-requests", "Accepted, ignored."),
            Opt<bool>("--trust-remote-code", "Accepted, ignored."),
            Opt<bool>("--enable-prefix-caching", "Accepted, ignored."),
        ];

        Positive(maxNumSeqs);
        Positive(maxModelLen);
        Positive(kvTokens);
        Positive(blockSize);
        Positive(prefetchConcurrency);
        Positive(tensorParallel);
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });
        foreach (Option<double> o in (Option<double>[])[ttft, tpot, .. phaseOptions])
        {
            o.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() < 0)
                {
                    r.AddError($"{o.Name} must not be negative.");
                }
            });
        }

        engineStart.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() < 0)
            {
                r.AddError("--engine-start-seconds must not be negative.");
            }
        });

        var root = new RootCommand("VllmSimulator: a local stand-in for vLLM's OpenAI-compatible server (no GPU).");
        Option[] all = [model, served, host, port, maxNumSeqs, maxModelLen, version, ttft, tpot, engineStart, .. phaseOptions, cacheRoot, gpuName, enforceEager, dtype, tensorParallel, kvTokens, blockSize, showHidden, apiKey, disableLogStats, loaderConfig, loadStrategy, loadFormat, prefetcher, prefetchConcurrency, .. noOps];
        foreach (var o in all)
        {
            root.Options.Add(o);
        }

        root.Validators.Add(result =>
        {
            // Defaults are not applied inside validators; an absent flag is the default version.
            var v = result.GetValue(version) ?? "0.10.1";
            if (!VllmVersion.TryParse(v, out var parsed))
            {
                result.AddError($"--vllm-version '{v}' is not a version like 0.10.1.");
                return;
            }

            // The old one-delay model and the phase model are two ways to say the same thing: one at a time.
            if (result.GetResult(engineStart) is { Implicit: false } && phaseOptions.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } phase)
            {
                result.AddError($"--engine-start-seconds cannot be combined with {phase.Name}: it is the old start model (--imports-seconds 0 --engine-seconds N, no compile or graph phase). Use the phase options alone.");
            }

            var hidden = result.GetValue(showHidden);
            if (hidden is not null && !VllmVersion.TryParse(hidden, out _))
            {
                result.AddError($"--show-hidden-metrics-for-version '{hidden}' is not a version like 0.10.");
            }

            // Flags that appeared in a given release are unknown to older ones, as argparse would say.
            if (parsed < VllmLoaders.SafetensorsLoadStrategySince && result.GetResult(loadStrategy) is { Implicit: false })
            {
                result.AddError($"unrecognized arguments: --safetensors-load-strategy (added in vLLM {VllmLoaders.SafetensorsLoadStrategySince}; --vllm-version is {parsed}).");
            }

            if (result.GetValue(loaderConfig) is { } json)
            {
                try
                {
                    using var doc = JsonDocument.Parse(json);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        result.AddError("--model-loader-extra-config must be a JSON object.");
                    }
                }
                catch (JsonException ex)
                {
                    result.AddError($"--model-loader-extra-config is not valid JSON: {ex.Message}");
                }
            }
        });

        StartupPhaseOptions StartupPhases(ParseResult parse)
        {
            // vLLM reads its cache root from VLLM_CACHE_ROOT; the flag names it explicitly.
            var configured = parse.GetValue(cacheRoot) ?? Environment.GetEnvironmentVariable(VllmCompileCacheKey.CacheRootVariable);
            var cache = string.IsNullOrWhiteSpace(configured) ? null : configured;
            var gpu = parse.GetValue(gpuName)!;
            return parse.GetValue(engineStart) is { } legacy
                ? new StartupPhaseOptions { ImportsSeconds = 0, EngineSeconds = legacy, EngineStartOnly = true, CompileCacheRoot = cache, GpuName = gpu }
                : new StartupPhaseOptions
                {
                    TimeScale = parse.GetValue(timeScale),
                    ImportsSeconds = parse.GetValue(imports),
                    EngineSeconds = parse.GetValue(engine),
                    CompileSeconds = parse.GetValue(compile),
                    CompileCacheHitSeconds = parse.GetValue(compileHit),
                    GraphCaptureSeconds = parse.GetValue(graphs),
                    CompileCacheRoot = cache,
                    GpuName = gpu,
                };
        }

        root.SetAction(async (parse, ct) =>
        {
            VllmVersion.TryParse(parse.GetValue(version), out var v);
            VllmVersion? hidden = null;
            if (parse.GetValue(showHidden) is { } h && VllmVersion.TryParse(h, out var hv))
            {
                hidden = hv;
            }

            var modelPath = parse.GetValue(model)!;
            var options = new SimulatorOptions
            {
                Model = modelPath,
                ServedModelName = parse.GetValue(served) ?? DefaultServedName(modelPath),
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                MaxNumSeqs = parse.GetValue(maxNumSeqs),
                MaxModelLen = parse.GetValue(maxModelLen),
                Version = v,
                TtftMs = parse.GetValue(ttft),
                TpotMs = parse.GetValue(tpot),
                Startup = StartupPhases(parse),
                EnforceEager = parse.GetValue(enforceEager),
                Dtype = parse.GetValue(dtype)!,
                TensorParallelSize = parse.GetValue(tensorParallel),
                KvCacheTokens = parse.GetValue(kvTokens),
                BlockSize = parse.GetValue(blockSize),
                ShowHiddenMetricsForVersion = hidden,
                ApiKey = parse.GetValue(apiKey),
                DisableLogStats = parse.GetValue(disableLogStats),
                LoadThreads = LoadThreads(parse.GetValue(loaderConfig), v),
                Prefetcher = parse.GetValue(prefetcher),
                PrefetchConcurrency = parse.GetValue(prefetchConcurrency),
            };
            return await run(options, ct).ConfigureAwait(false);
        });
        return root;
    }

    private static void Positive(Option<int> option) =>
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0)
            {
                r.AddError($"{option.Name} must be a positive integer.");
            }
        });

    /// <summary>vLLM serves a local model under the path given; a folder's own name is friendlier and stable.</summary>
    private static string DefaultServedName(string modelPath)
    {
        var trimmed = modelPath.TrimEnd('/', '\\');
        var name = Path.GetFileName(trimmed);
        return string.IsNullOrEmpty(name) ? modelPath : name;
    }

    private static int LoadThreads(string? json, VllmVersion version)
    {
        if (json is null || !VllmLoaders.IsSupported(VllmLoader.MultithreadLoad, version))
        {
            return 1;
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("enable_multithread_load", out var enable) && enable.ValueKind == JsonValueKind.True)
        {
            // vLLM's default is 8 threads when multithread loading is on.
            return root.TryGetProperty("num_threads", out var n) && n.TryGetInt32(out var threads) && threads > 0 ? threads : 8;
        }

        return 1;
    }
}
