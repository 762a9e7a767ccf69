using System.Globalization;
using System.Text.Json;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>One series of a Prometheus range query: its labels and its (time, value) points.</summary>
/// <param name="Labels">The series' labels.</param>
/// <param name="Points">The points, oldest first; NaN and infinite values are left out.</param>
internal sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points);

/// <summary>Reads Prometheus's HTTP API (<c>GET /api/v1/query_range</c>) for the metrics page.</summary>
/// <param name="http">A client; its timeout bounds each query.</param>
/// <param name="authorization">The credentials the local Prometheus requires (<see cref="ApplicationModel.PrometheusResource.GetAuthorization"/>), if any.</param>
internal sealed class PrometheusQueryClient(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue? authorization)
{
    /// <summary>Runs a range query.</summary>
    /// <param name="prometheus">Prometheus's base URL.</param>
    /// <param name="query">The PromQL expression.</param>
    /// <param name="start">The range's start.</param>
    /// <param name="end">The range's end.</param>
    /// <param name="step">The resolution.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The series.</returns>
    /// <exception cref="InvalidOperationException">Prometheus answered with an error; the message is Prometheus's.</exception>
    public async Task<IReadOnlyList<PrometheusSeries>> QueryRangeAsync(Uri prometheus, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        var url = new Uri(prometheus, "/api/v1/query_range?" + string.Join('&',
            "query=" + Uri.EscapeDataString(query),
            "start=" + start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "end=" + end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "step=" + Math.Max(1, (int)step.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException($"Prometheus refused the dashboard's credentials (401). Restart the AppHost so Prometheus and the dashboard share this run's '{ApplicationModel.PrometheusResource.UserName}' password.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : response.ReasonPhrase;
            throw new InvalidOperationException($"Prometheus rejected '{query}': {error}");
        }

        var series = new List<PrometheusSeries>();
        foreach (var result in root.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = result.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var points = new List<(DateTimeOffset, double)>();
            foreach (var value in result.GetProperty("values").EnumerateArray())
            {
                var time = DateTimeOffset.FromUnixTimeMilliseconds((long)(value[0].GetDouble() * 1000));
                if (double.TryParse(value[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                {
                    points.Add((time, v));
                }
            }

            series.Add(new PrometheusSeries(labels, points));
        }

        return series;
    }
}
