using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Creates meters under a name prefix no exporter subscribes to, for instrumentation that would otherwise add a
/// time series per scraped pod to the shim's own metrics (System.Net.Http's instruments carry the server address).
/// </summary>
internal sealed class UnexportedMeterFactory : IMeterFactory
{
    public const string Prefix = "VllmAspire.MetricsAdapterShim.Unexported.";
    private readonly ConcurrentDictionary<string, Meter> _meters = new(StringComparer.Ordinal);

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _meters.GetOrAdd(options.Name, name => new Meter(new MeterOptions(Prefix + name) { Version = options.Version, Scope = this }));
    }

    public void Dispose()
    {
        foreach (var meter in _meters.Values)
        {
            meter.Dispose();
        }
    }
}
