using System.Collections.Concurrent;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>Faults the fake injects into API requests; properties may be changed while it runs.</summary>
public sealed class FakeKubernetesFaults
{
    private readonly Random _random = new(12345);

    /// <summary>Gets or sets the share (0..1) of API requests that fail with a transient status (429, 500, 503).</summary>
    public double TransientRate { get; set; }

    /// <summary>Gets the permanent failures: object path (<c>kind/namespace/name</c>, kind in lower case plural, e.g. <c>deployments/vllm/vllm</c>; <c>namespaces/vllm</c> when cluster-scoped) to status code (403 or 422).</summary>
    public ConcurrentDictionary<string, int> Permanent { get; } = new();

    /// <summary>Gets or sets a hook called with each request's method and path before the fake handles it.</summary>
    public Action<string, string>? OnRequest { get; set; }

    /// <summary>Gets the number of transient faults injected.</summary>
    public int TransientInjected { get; private set; }

    /// <summary>Picks the transient status for the next request, if any.</summary>
    /// <returns>429, 500 or 503, or <see langword="null"/>.</returns>
    internal int? NextTransient()
    {
        lock (_random)
        {
            if (TransientRate <= 0 || _random.NextDouble() >= TransientRate)
            {
                return null;
            }

            TransientInjected++;
            return _random.Next(3) switch { 0 => 429, 1 => 500, _ => 503 };
        }
    }
}
