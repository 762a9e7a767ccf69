using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VllmAspire.VllmCatalog;
using VllmAspire.VllmSimulator;

namespace VllmSimulator.Tests;

/// <summary>
/// The simulator's host run in the test process, with its own OpenTelemetry providers exporting to in-memory lists: what
/// it exports here is what it exports over OTLP (the same providers, sources and meters). The command line is parsed by
/// the simulator's own parser.
/// </summary>
public sealed class InProcessSimulator : IAsyncDisposable
{
    private readonly LineWriter _out = new();
    private readonly LineWriter _err = new();
    private readonly Exported<Activity> _spans = new();
    private readonly Exported<Metric> _metrics = new();
    private readonly LifetimeProbe _probe = new();
    private Task<int> _run = Task.FromResult(-1);
    private IServiceProvider? _services;

    private InProcessSimulator()
    {
    }

    /// <summary>Gets the lines written so far.</summary>
    public IReadOnlyList<string> Lines => _out.Lines;

    /// <summary>Gets the exit code task.</summary>
    public Task<int> Exit => _run;

    /// <summary>Starts the simulator with a vLLM command line; the process "started" at <paramref name="processStart"/>.</summary>
    public static InProcessSimulator Start(DateTimeOffset processStart, params string[] args)
    {
        SimulatorOptions? options = null;
        var parse = SimulatorCommandLine.Build((o, _) =>
        {
            options = o;
            return Task.FromResult(0);
        }).Parse(args);
        if (parse.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", parse.Errors.Select(e => e.Message)));
        }

        parse.Invoke();
        var sim = new InProcessSimulator();
        sim._run = Task.Run(() => SimulatorHost.RunAsync(options!, sim._out, sim._err, processStart, services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(sim._spans));
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(sim._metrics));
            services.AddSingleton<IHostedService>(sp =>
            {
                sim._services = sp;
                sim._probe.Lifetime = sp.GetRequiredService<IHostApplicationLifetime>();
                return sim._probe;
            });
        }, TestContext.Current.CancellationToken));
        return sim;
    }

    /// <summary>
    /// Waits for the server to answer and returns its URL (through the start-up grammar). The simulator ends its start's
    /// trace before it announces the server, so the start's spans are all exported once this returns.
    /// </summary>
    public async Task<Uri> WaitForUrlAsync()
    {
        var line = await WaitForLineAsync(l => SimulatorProcess.ListenUrl(l) is not null, TimeSpan.FromSeconds(60));
        await WaitForLineAsync(l => l.EndsWith("Application startup complete.", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return SimulatorProcess.ListenUrl(line)!;
    }

    /// <summary>Waits for a line.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_out.Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"The simulator exited ({await _run}) without the line. Output:\n{_out}\nErrors:\n{_err}");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No such line within {timeout}. Output:\n{_out}");
    }

    /// <summary>The spans exported so far (flushed first).</summary>
    public IReadOnlyList<Activity> Spans()
    {
        _services?.GetRequiredService<TracerProvider>().ForceFlush();
        return _spans.Snapshot();
    }

    /// <summary>The metrics exported by a collection now.</summary>
    public IReadOnlyList<Metric> CollectMetrics()
    {
        _metrics.Clear();
        _services?.GetRequiredService<MeterProvider>().ForceFlush();
        return _metrics.Snapshot();
    }

    /// <summary>Stops the host and returns its exit code.</summary>
    public async ValueTask DisposeAsync()
    {
        _probe.Lifetime?.StopApplication();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override string ToString() => _out + "\n" + _err;

    /// <summary>What an in-memory exporter adds to from the simulator's threads (it takes no lock) while a test reads it.</summary>
    private sealed class Exported<T> : Collection<T>
    {
        private readonly Lock _gate = new();

        public T[] Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }

        protected override void ClearItems()
        {
            lock (_gate)
            {
                base.ClearItems();
            }
        }
    }

    private sealed class LifetimeProbe : IHostedService
    {
        public IHostApplicationLifetime? Lifetime { get; set; }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class LineWriter : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly StringBuilder _partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines => [.. _lines];

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value == '\n')
                {
                    _lines.Enqueue(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override string ToString() => string.Join('\n', _lines);
    }
}

/// <summary>Reads a span's attribute.</summary>
public static class SpanExtensions
{
    public static object? Tag(this Activity span, string name) => span.TagObjects.FirstOrDefault(t => t.Key == name).Value;

    /// <summary>The milestones of the simulator's own output, timed by when they were read (for the timeline).</summary>
    public static IEnumerable<VllmStartupMark> Marks(this IEnumerable<string> lines) =>
        lines.Select(l => VllmStartupLog.TryParse(l, out _, out var m) ? m : null).OfType<VllmStartupMark>();
}
