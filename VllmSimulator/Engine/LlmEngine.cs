using System.Diagnostics.Metrics;
using VllmAspire.VllmSimulator.Metrics;
using VllmAspire.VllmSimulator.Telemetry;

namespace VllmAspire.VllmSimulator.Engine;

/// <summary>
/// The simulated engine: admits requests through the <see cref="Scheduler"/>, paces tokens with the latency
/// model (first token <c>ttft</c> after scheduling, then one every <c>tpot</c>), accounts KV-cache blocks and
/// feeds vLLM's metrics. Timing uses a <see cref="TimeProvider"/> so unit tests can drive it.
/// </summary>
public sealed class LlmEngine
{
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private long _kvBlocksInUse;
    private long _promptTokensTotal;
    private long _generationTokensTotal;

    /// <summary>Creates the engine and its metrics.</summary>
    /// <param name="options">The simulator options.</param>
    /// <param name="time">The clock and timer source.</param>
    /// <param name="meter">The meter of vLLM's metrics as OpenTelemetry instruments; none when <see langword="null"/>.</param>
    public LlmEngine(SimulatorOptions options, TimeProvider time, Meter? meter = null)
    {
        _options = options;
        _time = time;
        Scheduler = new Scheduler(options.MaxNumSeqs);
        Metrics = new VllmMetrics(options, Snapshot, meter);
    }

    /// <summary>The admission queue.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The engine's Prometheus metrics.</summary>
    public VllmMetrics Metrics { get; }

    /// <summary>The options in force.</summary>
    public SimulatorOptions Options => _options;

    /// <summary>KV-cache usage as a 0–1 fraction of the configured capacity, in whole blocks.</summary>
    public double KvUsage
    {
        get
        {
            var capacity = Math.Max(1, _options.KvCacheTokens / _options.BlockSize);
            return Math.Min(1.0, (double)Interlocked.Read(ref _kvBlocksInUse) / capacity);
        }
    }

    /// <summary>Running, waiting and KV usage read together.</summary>
    /// <returns>The snapshot.</returns>
    public (int Running, int Waiting, double KvUsage) Snapshot()
    {
        var (running, waiting) = Scheduler.Snapshot();
        return (running, waiting, KvUsage);
    }

    /// <summary>Totals for the periodic stats log.</summary>
    /// <returns>Prompt and generation tokens so far.</returns>
    public (long Prompt, long Generation) Totals() => (Interlocked.Read(ref _promptTokensTotal), Interlocked.Read(ref _generationTokensTotal));

    /// <summary>
    /// Runs one request: waits for a slot, then emits <paramref name="tokenCount"/> tokens on the latency model,
    /// calling <paramref name="onToken"/> with each token's index as it is produced. Cancellation (client gone)
    /// frees the slot or leaves the queue and counts an abort.
    /// </summary>
    /// <param name="promptTokens">Prompt tokens.</param>
    /// <param name="tokenCount">Tokens to generate (at least 1).</param>
    /// <param name="finishReason">The finish reason when all tokens are produced.</param>
    /// <param name="maxTokens">The request's max_tokens, for the parameter histograms.</param>
    /// <param name="onToken">Called after each token is produced; may stream it.</param>
    /// <param name="ct">The request's cancellation.</param>
    /// <param name="info">The request's identity and sampling parameters for its <c>llm_request</c> span; no span when <see langword="null"/>.</param>
    /// <returns>A task that completes after the last token.</returns>
    public async Task RunAsync(int promptTokens, int tokenCount, string finishReason, int maxTokens, Func<int, ValueTask>? onToken, CancellationToken ct, LlmRequestInfo? info = null)
    {
        var span = info is null ? null : RequestSpan.Start(info);
        var arrival = _time.GetTimestamp();
        long blocks = 0;
        var generated = 0;
        long scheduled = 0, firstToken = 0;
        IDisposable? slot = null;
        try
        {
            slot = await Scheduler.AcquireAsync(ct).ConfigureAwait(false);
            scheduled = _time.GetTimestamp();
            blocks = Blocks(promptTokens);
            Interlocked.Add(ref _kvBlocksInUse, blocks);

            var ttft = TimeSpan.FromMilliseconds(_options.TtftMs);
            var tpot = TimeSpan.FromMilliseconds(_options.TpotMs);
            long previous = 0;
            for (var i = 0; i < tokenCount; i++)
            {
                // Absolute deadlines: timer slack on one token does not accumulate over the whole response.
                var due = ttft + tpot * i - _time.GetElapsedTime(scheduled);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _time, ct).ConfigureAwait(false);
                }

                ct.ThrowIfCancellationRequested();
                var now = _time.GetTimestamp();
                if (i == 0)
                {
                    firstToken = now;
                    Metrics.Prefilled(promptTokens);
                    Interlocked.Add(ref _promptTokensTotal, promptTokens);
                    Metrics.FirstToken(_time.GetElapsedTime(arrival, now).TotalSeconds);
                    Metrics.TokenGenerated(null);
                }
                else
                {
                    Metrics.TokenGenerated(_time.GetElapsedTime(previous, now).TotalSeconds);
                }

                previous = now;
                generated++;
                Interlocked.Increment(ref _generationTokensTotal);
                var newBlocks = Blocks(promptTokens + generated);
                Interlocked.Add(ref _kvBlocksInUse, newBlocks - blocks);
                blocks = newBlocks;
                if (onToken is not null)
                {
                    await onToken(i).ConfigureAwait(false);
                }
            }

            var end = _time.GetTimestamp();
            var timing = new RequestTiming(
                finishReason,
                _time.GetElapsedTime(arrival, end).TotalSeconds,
                _time.GetElapsedTime(arrival, scheduled).TotalSeconds,
                _time.GetElapsedTime(scheduled, firstToken).TotalSeconds,
                _time.GetElapsedTime(scheduled, end).TotalSeconds,
                promptTokens,
                generated,
                maxTokens);
            Metrics.Finished(timing);
            RequestSpan.Finish(span, timing, _time.GetElapsedTime(arrival, firstToken).TotalSeconds);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            Metrics.Finished(new RequestTiming("abort", 0, 0, 0, 0, promptTokens, generated, maxTokens));
            RequestSpan.Abort(span);
            throw;
        }
        finally
        {
            Interlocked.Add(ref _kvBlocksInUse, -blocks);
            slot?.Dispose();
        }
    }

    private long Blocks(int tokens) => (tokens + _options.BlockSize - 1) / _options.BlockSize;

    /// <summary>
    /// Logs vLLM's periodic stats line every <paramref name="interval"/> while there is activity, and sets V0's
    /// throughput gauges.
    /// </summary>
    /// <param name="log">The vLLM-format log.</param>
    /// <param name="interval">The interval (vLLM: <c>VLLM_LOG_STATS_INTERVAL</c>, 10 s).</param>
    /// <param name="ct">Stops the loop.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public async Task LogStatsAsync(VllmLog log, TimeSpan interval, CancellationToken ct)
    {
        var (lastPrompt, lastGen) = Totals();
        var last = _time.GetTimestamp();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var (prompt, gen) = Totals();
                var now = _time.GetTimestamp();
                var seconds = Math.Max(1e-9, _time.GetElapsedTime(last, now).TotalSeconds);
                var (running, waiting, kv) = Snapshot();
                var promptRate = (prompt - lastPrompt) / seconds;
                var genRate = (gen - lastGen) / seconds;
                Metrics.Throughput(promptRate, genRate);
                if (running + waiting > 0 || prompt != lastPrompt || gen != lastGen)
                {
                    var p = VllmLog.Fmt("F1", promptRate);
                    var g = VllmLog.Fmt("F1", genRate);
                    var k = VllmLog.Fmt("F1", kv * 100);
                    if (_options.Version.IsV1)
                    {
                        log.Info("loggers.py:123", $"Engine 000: Avg prompt throughput: {p} tokens/s, Avg generation throughput: {g} tokens/s, Running: {running} reqs, Waiting: {waiting} reqs, GPU KV cache usage: {k}%, Prefix cache hit rate: 0.0%");
                    }
                    else
                    {
                        log.Info("metrics.py:406", $"Avg prompt throughput: {p} tokens/s, Avg generation throughput: {g} tokens/s, Running: {running} reqs, Swapped: 0 reqs, Pending: {waiting} reqs, GPU KV cache usage: {k}%, CPU KV cache usage: 0.0%.");
                    }
                }

                (lastPrompt, lastGen, last) = (prompt, gen, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
