using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Reads metrics from a Prometheus server's HTTP API with one instant query per request:
/// <c>sum by (pod) (name{namespace="ns",pod=~"a|b",...})</c>, or the 1-minute rate for counters. A Prometheus behind
/// basic auth (as the AppHost runs it) is given its credentials as <c>MetricsAdapter:PrometheusUserName</c> and
/// <c>MetricsAdapter:PrometheusPassword</c> (a secret the AppHost passes on its own, so no URL carries it), or in the URL's
/// user part, <c>MetricsAdapter:PrometheusUrl=http://user:password@host:port</c>; they are sent as an
/// <c>Authorization</c> header, never in the request line.
/// </summary>
internal sealed class PrometheusMetricSource(HttpClient http, IOptions<ShimOptions> options) : IMetricSource
{
    public async Task<IReadOnlyDictionary<string, double>> GetAsync(string ns, IReadOnlyList<PodInfo> pods, MetricName metric, LabelSelector metricSelector, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baseUrl = settings.PrometheusUrl ?? throw new InvalidOperationException("MetricsAdapter:PrometheusUrl is not set; set it to the Prometheus server, e.g. http://prometheus:9090.");
        if (pods.Count == 0)
        {
            return new Dictionary<string, double>();
        }

        var wanted = pods.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in metric.Candidates)
        {
            var query = BuildQuery(name, ns, pods, metricSelector, metric.IsCounter);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ScrapeTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithoutUserInfo(baseUrl), "/api/v1/query"))
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", query)]),
            };
            request.Headers.Authorization = BasicAuthorization(settings);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                throw new HttpRequestException($"Prometheus refused the {(request.Headers.Authorization is null ? "request without credentials" : "credentials")} (401); give them as MetricsAdapter:PrometheusUserName and MetricsAdapter:PrometheusPassword.", null, response.StatusCode);
            }

            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), cancellationToken: timeout.Token).ConfigureAwait(false);
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var series in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                if (series.GetProperty("metric").TryGetProperty("pod", out var pod) && pod.GetString() is { } podName && wanted.Contains(podName)
                    && double.TryParse(series.GetProperty("value")[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                    && double.IsFinite(value))
                {
                    values[podName] = value;
                }
            }

            if (values.Count > 0)
            {
                return values;
            }
        }

        return new Dictionary<string, double>();
    }

    /// <summary>The basic credentials of the settings, else those in the URL's user part (percent-encoded as URLs carry them), if any.</summary>
    internal static AuthenticationHeaderValue? BasicAuthorization(ShimOptions settings)
    {
        if (!string.IsNullOrEmpty(settings.PrometheusPassword))
        {
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.PrometheusUserName}:{settings.PrometheusPassword}")));
        }

        var url = settings.PrometheusUrl!;
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return null;
        }

        var separator = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(separator < 0 ? url.UserInfo : url.UserInfo[..separator]);
        var password = separator < 0 ? "" : Uri.UnescapeDataString(url.UserInfo[(separator + 1)..]);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    private static Uri WithoutUserInfo(Uri url) => new UriBuilder(url) { UserName = "", Password = "" }.Uri;

    /// <summary>Builds the PromQL query.</summary>
    internal static string BuildQuery(string name, string ns, IReadOnlyList<PodInfo> pods, LabelSelector selector, bool rate)
    {
        var matchers = new StringBuilder();
        matchers.Append(CultureInfo.InvariantCulture, $"__name__={Quote(name)},namespace={Quote(ns)},pod=~{Quote(string.Join('|', pods.Select(p => Regex.Escape(p.Name))))}");
        foreach (var r in selector.Requirements)
        {
            matchers.Append(',').Append(r.Key).Append(r.Operator switch
            {
                SelectorOperator.Equals => "=" + Quote(r.Values[0]),
                SelectorOperator.NotEquals => "!=" + Quote(r.Values[0]),
                SelectorOperator.In => "=~" + Quote(string.Join('|', r.Values.Select(Regex.Escape))),
                SelectorOperator.NotIn => "!~" + Quote(string.Join('|', r.Values.Select(Regex.Escape))),
                SelectorOperator.Exists => "!=\"\"",
                _ => "=\"\"",
            });
        }

        var series = "{" + matchers + "}";
        return rate ? $"sum by (pod) (rate({series}[1m]))" : $"sum by (pod) ({series})";
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
