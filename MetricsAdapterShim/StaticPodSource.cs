using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>Pods listed in configuration (<c>MetricsAdapter:Pods</c>): for benchmarks and fixed setups.</summary>
internal sealed class StaticPodSource(IOptions<ShimOptions> options) : IPodSource
{
    public Task<IReadOnlyList<PodInfo>> ListAsync(string ns, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PodInfo>>([.. options.Value.Pods
            .Where(p => p.Namespace == ns)
            .Select(p => new PodInfo(p.Namespace, p.Name, p.Labels, p.MetricsUrl))]);
}
