using VllmAspire.VllmCatalog;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// A metric name as the HPA sends it: a Prometheus name (<c>vllm:num_requests_waiting</c>) or Google Managed
/// Prometheus' form <c>prometheus.googleapis.com|vllm:num_requests_waiting|gauge</c>, so one HPA spec works on GKE
/// and against the shim.
/// </summary>
/// <param name="Requested">The name exactly as requested (echoed back in responses).</param>
/// <param name="PrometheusName">The Prometheus series name.</param>
/// <param name="IsCounter">Whether the Google kind is <c>counter</c>: the value is then a per-second rate.</param>
public sealed record MetricName(string Requested, string PrometheusName, bool IsCounter)
{
    private const string GooglePrefix = "prometheus.googleapis.com|";

    /// <summary>
    /// Gets the Prometheus names to look for, the requested one first, then its name in other vLLM releases (e.g. the
    /// KV-cache gauge renamed in 2025), so either name finds whichever the server exposes.
    /// </summary>
    public IReadOnlyList<string> Candidates => VllmMetricCatalog.Aliases.TryGetValue(PrometheusName, out var alias) ? [PrometheusName, alias] : [PrometheusName];

    /// <summary>Parses a (URL-decoded) metric name.</summary>
    /// <param name="name">The name from the request path.</param>
    /// <param name="metric">The parsed name.</param>
    /// <param name="error">Why the name is not usable.</param>
    /// <returns>Whether the name is usable.</returns>
    public static bool TryParse(string name, out MetricName metric, out string? error)
    {
        metric = new MetricName(name, name, false);
        error = null;
        if (!name.StartsWith(GooglePrefix, StringComparison.Ordinal))
        {
            if (name.Length == 0 || name.Contains('|', StringComparison.Ordinal))
            {
                error = $"metric name '{name}' is neither a Prometheus name nor of the form prometheus.googleapis.com|<name>|gauge";
                return false;
            }

            return true;
        }

        var rest = name[GooglePrefix.Length..];
        var bar = rest.LastIndexOf('|');
        if (bar <= 0)
        {
            error = $"metric name '{name}' lacks its kind: use prometheus.googleapis.com|<name>|gauge or |counter";
            return false;
        }

        var kind = rest[(bar + 1)..];
        if (kind is not ("gauge" or "counter"))
        {
            error = $"metric name '{name}' has kind '{kind}'; the shim serves gauge and counter";
            return false;
        }

        metric = new MetricName(name, rest[..bar], kind == "counter");
        return true;
    }
}
