using System.Diagnostics;
using System.Diagnostics.Metrics;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator.Telemetry;

/// <summary>
/// One start as a trace: a root span from the process's start to the server answering, and one child span per phase
/// (<see cref="VllmStartupTelemetry"/> names, shared with the GKE reporter); every phase's duration also goes to the
/// <c>vllm.startup.phase.duration</c> histogram.
/// </summary>
public sealed class StartupTrace : IDisposable
{
    private readonly Activity? _root;
    private readonly Histogram<double> _durations;

    /// <summary>Starts the root span at the process's start.</summary>
    /// <param name="processStart">When the process started.</param>
    /// <param name="options">The simulator options (model, version).</param>
    /// <param name="meter">The meter of the phase-duration histogram.</param>
    public StartupTrace(DateTimeOffset processStart, SimulatorOptions options, Meter meter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meter);
        _durations = meter.CreateHistogram<double>(VllmStartupTelemetry.PhaseDurationHistogram, "s", "Duration of each phase of a vLLM start.");
        // A start is a trace of its own, whatever is current.
        var previous = Activity.Current;
        Activity.Current = null;
        _root = SimulatorTelemetry.Source.StartActivity("vLLM start", ActivityKind.Internal, default(ActivityContext), startTime: processStart);
        Activity.Current = previous;
        _root?.SetTag(VllmStartupTelemetry.VersionAttribute, options.Version.Text);
        _root?.SetTag("vllm.model", options.ServedModelName);
        _root?.SetTag("process.pid", Environment.ProcessId);
    }

    /// <summary>Gets the root span, when something listens.</summary>
    public Activity? Root => _root;

    /// <summary>Starts a phase's span.</summary>
    /// <param name="phase">The phase.</param>
    /// <param name="start">When it began (now when <see langword="null"/>).</param>
    /// <returns>The phase; end it with <see cref="Phase.End"/>.</returns>
    public Phase Begin(VllmStartupPhase phase, DateTimeOffset? start = null)
    {
        var begun = start ?? DateTimeOffset.UtcNow;
        var activity = _root is null ? null : SimulatorTelemetry.Source.StartActivity(
            VllmStartupTelemetry.SpanName(phase), ActivityKind.Internal, _root.Context, startTime: begun);
        activity?.SetTag(VllmStartupTelemetry.PhaseAttribute, VllmStartupTelemetry.AttributeValue(phase));
        return new Phase(this, phase, begun, activity);
    }

    /// <summary>Ends the root span: the server answers.</summary>
    public void Ready()
    {
        _root?.Stop();
        LeaveCurrent();
    }

    private void LeaveCurrent()
    {
        if (_root is not null && (Activity.Current == _root || Activity.Current?.ParentSpanId == _root.SpanId))
        {
            Activity.Current = null;
        }
    }

    /// <summary>Ends the root span with an error (start-up failed).</summary>
    /// <param name="reason">Why.</param>
    public void Failed(string reason)
    {
        _root?.SetStatus(ActivityStatusCode.Error, reason);
        _root?.Stop();
        LeaveCurrent();
    }

    /// <inheritdoc/>
    public void Dispose() => _root?.Dispose();

    /// <summary>A phase under way.</summary>
    public sealed class Phase
    {
        private readonly StartupTrace _trace;
        private readonly VllmStartupPhase _phase;
        private readonly DateTimeOffset _start;

        internal Phase(StartupTrace trace, VllmStartupPhase phase, DateTimeOffset start, Activity? activity)
        {
            _trace = trace;
            _phase = phase;
            _start = start;
            Activity = activity;
        }

        /// <summary>Gets the phase's span, when something listens (for its attributes).</summary>
        public Activity? Activity { get; }

        /// <summary>Gets how long the phase has run.</summary>
        public TimeSpan Elapsed => DateTimeOffset.UtcNow - _start;

        /// <summary>Ends the phase now: the span, the histogram sample and the returned duration are one measurement.</summary>
        /// <returns>How long the phase took, for vLLM's line about it (so the line and the span agree exactly).</returns>
        public TimeSpan End()
        {
            var end = DateTimeOffset.UtcNow;
            var elapsed = end - _start;
            // The span starts at _start, so this end makes its duration exactly elapsed (Stop keeps a set end time).
            Activity?.SetEndTime(end.UtcDateTime);
            Activity?.Stop();
            // Starting the span made it current and stopping it makes its parent, the root, current: clear that, or the
            // server started after the phases would parent every request span to the start-up trace.
            _trace.LeaveCurrent();

            _trace._durations.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(VllmStartupTelemetry.PhaseAttribute, VllmStartupTelemetry.AttributeValue(_phase)));
            return elapsed;
        }
    }
}
