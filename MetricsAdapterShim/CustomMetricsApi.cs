using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Serves <c>custom.metrics.k8s.io</c> v1beta1 and v1beta2 as kube-apiserver's aggregator and the HPA expect them
/// (reference/metrics.md §1): legacy discovery, pods by label selector, one pod, and the namespace object.
/// </summary>
internal sealed class CustomMetricsApi(IApiAccess access, IPodSource pods, IMetricSource metrics, IOptions<ShimOptions> options, TimeProvider time, ILogger<CustomMetricsApi> logger)
{
    public const string Group = "custom.metrics.k8s.io";
    private const string MetricLabelPrefix = "metric.labels.";
    private static readonly string[] Versions = ["v1beta2", "v1beta1"];

    public async Task HandleAsync(HttpContext context)
    {
        if (await access.CheckAsync(context).ConfigureAwait(false) is { } denial)
        {
            await WriteStatusAsync(context, denial.Code, denial.Reason, denial.Message).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteStatusAsync(context, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource: {context.Request.Method} {context.Request.Path}").ConfigureAwait(false);
            return;
        }

        // Kestrel has already decoded %2A and %7C in the path, so '*' and '|' arrive literally.
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["apis"]:
                await WriteJsonAsync(context, 200, w => WriteGroupList(w)).ConfigureAwait(false);
                return;
            case ["apis", Group]:
                await WriteJsonAsync(context, 200, w => WriteGroup(w, withTypeMeta: true)).ConfigureAwait(false);
                return;
            case ["apis", Group, var v] when Versions.Contains(v):
                await WriteJsonAsync(context, 200, w => WriteResourceList(w, v)).ConfigureAwait(false);
                return;
            case ["apis", Group, var v, "namespaces", var ns, "pods", var pod, var metric] when Versions.Contains(v):
                await ServePodsAsync(context, v, ns, pod, metric).ConfigureAwait(false);
                return;
            case ["apis", Group, var v, "namespaces", var ns, "metrics", var metric] when Versions.Contains(v):
                await ServeNamespaceAsync(context, v, ns, metric).ConfigureAwait(false);
                return;
            case ["apis", Group, var v, "namespaces", _, var resource, var name, var metric] when Versions.Contains(v):
                await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the metric {metric} for {resource} {name}").ConfigureAwait(false);
                return;
            case ["apis", Group, var v, var resource, var name, var metric] when Versions.Contains(v):
                await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the metric {metric} for {resource} {name}").ConfigureAwait(false);
                return;
            default:
                await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({context.Request.Path})").ConfigureAwait(false);
                return;
        }
    }

    private async Task ServePodsAsync(HttpContext context, string version, string ns, string podName, string metricText)
    {
        if (!TryResolve(metricText, out var metric, out var problem))
        {
            await WriteStatusAsync(context, 404, "NotFound", problem).ConfigureAwait(false);
            return;
        }

        if (!TryParseSelectors(context, out var labelSelector, out var metricSelector, out var echo, out problem))
        {
            await WriteStatusAsync(context, 400, "BadRequest", problem).ConfigureAwait(false);
            return;
        }

        if (await ListPodsAsync(context, ns).ConfigureAwait(false) is not { } all)
        {
            return;
        }

        IReadOnlyList<PodInfo> selected = podName == "*" ? [.. all.Where(p => labelSelector.Matches(p.Labels))] : [.. all.Where(p => p.Name == podName)];

        var values = await ReadAsync(context, ns, selected, metric, metricSelector).ConfigureAwait(false);
        if (values is null)
        {
            return;
        }

        if (podName != "*" && values.Count == 0)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the metric {metricText} for pods {podName}").ConfigureAwait(false);
            return;
        }

        if (selected.Count > 0 && values.Count == 0)
        {
            // Pods exist but none answered (all loading or down): the HPA treats this as a failed fetch, as it should.
            await WriteStatusAsync(context, 500, "InternalError", "Internal error occurred: unable to fetch metrics").ConfigureAwait(false);
            return;
        }

        var items = selected.Where(p => values.ContainsKey(p.Name)).Select(p => new Item("Pod", p.Namespace, p.Name, values[p.Name])).ToList();
        await WriteJsonAsync(context, 200, w => WriteValueList(w, version, metric, echo, items)).ConfigureAwait(false);
    }

    // The pods of a namespace, or null once a 500 Status has been written: a failing source yields no values at all.
    private async Task<IReadOnlyList<PodInfo>?> ListPodsAsync(HttpContext context, string ns)
    {
        try
        {
            return await pods.ListAsync(ns, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or JsonException)
        {
            logger.LogWarning("Listing the pods of namespace {Namespace} failed: {Error}", ns, e.Message);
            await WriteStatusAsync(context, 500, "InternalError", "Internal error occurred: unable to list matching resources").ConfigureAwait(false);
            return null;
        }
    }

    private async Task ServeNamespaceAsync(HttpContext context, string version, string ns, string metricText)
    {
        if (!TryResolve(metricText, out var metric, out var problem))
        {
            await WriteStatusAsync(context, 404, "NotFound", problem).ConfigureAwait(false);
            return;
        }

        if (!TryParseSelectors(context, out _, out var metricSelector, out var echo, out problem))
        {
            await WriteStatusAsync(context, 400, "BadRequest", problem).ConfigureAwait(false);
            return;
        }

        if (await ListPodsAsync(context, ns).ConfigureAwait(false) is not { } all)
        {
            return;
        }

        var values = await ReadAsync(context, ns, all, metric, metricSelector).ConfigureAwait(false);
        if (values is null)
        {
            return;
        }

        if (values.Count == 0)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the metric {metricText} for namespaces {ns}").ConfigureAwait(false);
            return;
        }

        // The namespace's value is the sum over its pods, as `sum by (namespace)` in prometheus-adapter rules.
        var item = new Item("Namespace", null, ns, values.Values.Sum());
        await WriteJsonAsync(context, 200, w => WriteValueList(w, version, metric, echo, [item])).ConfigureAwait(false);
    }

    private async Task<IReadOnlyDictionary<string, double>?> ReadAsync(HttpContext context, string ns, IReadOnlyList<PodInfo> selected, MetricName metric, LabelSelector metricSelector)
    {
        try
        {
            return await metrics.GetAsync(ns, selected, metric, metricSelector, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            // The caller learns only that the fetch failed; the source's details stay in our log.
            logger.LogWarning("Reading {Metric} in {Namespace} failed: {Error}", metric.Requested, ns, e.Message);
            await WriteStatusAsync(context, 500, "InternalError", "Internal error occurred: unable to fetch metrics").ConfigureAwait(false);
            return null;
        }
    }

    private bool TryResolve(string text, out MetricName metric, out string problem)
    {
        problem = "";
        if (!MetricName.TryParse(text, out metric, out var error))
        {
            problem = $"the server could not find the metric {text} for pods: {error}";
            return false;
        }

        var served = options.Value.Metrics;
        if (!metric.Candidates.Any(served.Contains))
        {
            problem = $"the server could not find the metric {text} for pods";
            return false;
        }

        return true;
    }

    private static bool TryParseSelectors(HttpContext context, out LabelSelector labelSelector, out LabelSelector metricSelector, out LabelSelector? echo, out string problem)
    {
        problem = "";
        labelSelector = metricSelector = LabelSelector.Everything;
        echo = null;
        try
        {
            labelSelector = LabelSelector.Parse(context.Request.Query["labelSelector"]);
            var raw = context.Request.Query["metricLabelSelector"].ToString();
            if (raw.Length > 0)
            {
                echo = LabelSelector.Parse(raw);
                // GKE's adapter wants metric.labels.X; Prometheus has X. Accept both so one HPA spec works everywhere.
                metricSelector = echo.MapKeys(k => k.StartsWith(MetricLabelPrefix, StringComparison.Ordinal) ? k[MetricLabelPrefix.Length..] : k);
            }

            return true;
        }
        catch (FormatException e)
        {
            problem = $"unable to parse requirements: {e.Message}";
            return false;
        }
    }

    private void WriteValueList(Utf8JsonWriter w, string version, MetricName metric, LabelSelector? echo, IReadOnlyList<Item> items)
    {
        var timestamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteString("kind", "MetricValueList");
        w.WriteString("apiVersion", $"{Group}/{version}");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var item in items)
        {
            w.WriteStartObject();
            w.WriteStartObject("describedObject");
            w.WriteString("kind", item.Kind);
            if (item.Namespace is not null)
            {
                w.WriteString("namespace", item.Namespace);
            }

            w.WriteString("name", item.Name);
            w.WriteString("apiVersion", "/v1");
            w.WriteEndObject();
            if (version == "v1beta2")
            {
                w.WriteStartObject("metric");
                w.WriteString("name", metric.Requested);
                WriteSelector(w, echo);
                w.WriteEndObject();
                w.WriteString("timestamp", timestamp);
                if (metric.IsCounter)
                {
                    w.WriteNumber("windowSeconds", 60);
                }

                w.WriteString("value", Quantity.Format(item.Value));
            }
            else
            {
                w.WriteString("metricName", metric.Requested);
                w.WriteString("timestamp", timestamp);
                if (metric.IsCounter)
                {
                    w.WriteNumber("window", 60);
                }

                w.WriteString("value", Quantity.Format(item.Value));
                WriteSelector(w, echo);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSelector(Utf8JsonWriter w, LabelSelector? echo)
    {
        w.WritePropertyName("selector");
        if (echo is null)
        {
            w.WriteNullValue();
        }
        else
        {
            echo.WriteJson(w);
        }
    }

    private static void WriteGroupList(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupList");
        w.WriteString("apiVersion", "v1");
        w.WriteStartArray("groups");
        WriteGroup(w, withTypeMeta: false);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter w, bool withTypeMeta)
    {
        w.WriteStartObject();
        if (withTypeMeta)
        {
            w.WriteString("kind", "APIGroup");
            w.WriteString("apiVersion", "v1");
        }

        w.WriteString("name", Group);
        w.WriteStartArray("versions");
        foreach (var v in Versions)
        {
            WriteVersion(w, v);
        }

        w.WriteEndArray();
        w.WritePropertyName("preferredVersion");
        WriteVersion(w, "v1beta2");
        w.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter w, string version)
    {
        w.WriteStartObject();
        w.WriteString("groupVersion", $"{Group}/{version}");
        w.WriteString("version", version);
        w.WriteEndObject();
    }

    private void WriteResourceList(Utf8JsonWriter w, string version)
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIResourceList");
        w.WriteString("apiVersion", "v1");
        w.WriteString("groupVersion", $"{Group}/{version}");
        w.WriteStartArray("resources");
        foreach (var metric in options.Value.Metrics)
        {
            foreach (var (resource, namespaced) in new[] { ("pods", true), ("namespaces", false) })
            {
                w.WriteStartObject();
                w.WriteString("name", $"{resource}/{metric}");
                w.WriteString("singularName", "");
                w.WriteBoolean("namespaced", namespaced);
                w.WriteString("kind", "MetricValueList");
                w.WriteStartArray("verbs");
                w.WriteStringValue("get");
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message) => WriteJsonAsync(context, code, w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("status", "Failure");
        w.WriteString("message", message);
        w.WriteString("reason", reason);
        w.WriteNumber("code", code);
        w.WriteEndObject();
    });

    private static async Task WriteJsonAsync(HttpContext context, int code, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Served as application/json only, never into HTML: Kubernetes-style messages keep their quotes readable.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record Item(string Kind, string? Namespace, string Name, double Value);
}
