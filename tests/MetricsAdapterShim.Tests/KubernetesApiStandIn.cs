using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VllmAspire.MetricsAdapterShim.Tests;

/// <summary>
/// The few kube-apiserver endpoints the shim's in-cluster security uses, over real HTTP on loopback, answering as
/// the real API does (reference/metrics.md §2): the <c>extension-apiserver-authentication</c> ConfigMap,
/// <c>SubjectAccessReview</c> create (validated: exactly one of resource/non-resource attributes, a user or
/// groups; 201 with <c>status</c>), Secrets (get, create with 409 AlreadyExists, replace with resourceVersion
/// preconditions) and APIServices (get, JSON merge patch only).
/// </summary>
internal sealed class KubernetesApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _resourceVersion = 1;

    private KubernetesApiStandIn(WebApplication app) => _app = app;

    /// <summary>Gets the <c>data</c> of ConfigMap kube-system/extension-apiserver-authentication; null means it does not exist.</summary>
    public Dictionary<string, string>? AuthenticationConfig { get; set; }

    /// <summary>Gets or sets the authorizer: given the review's spec, whether it is allowed.</summary>
    public Func<JsonNode, bool> Authorize { get; set; } = _ => false;

    /// <summary>Gets the specs of every SubjectAccessReview received, in order.</summary>
    public ConcurrentQueue<JsonNode> Reviews { get; } = new();

    /// <summary>Gets the Secrets by namespace/name.</summary>
    public ConcurrentDictionary<string, JsonObject> Secrets { get; } = new();

    /// <summary>Gets how many Secret writes (create and replace) succeeded.</summary>
    public int SecretWrites;

    /// <summary>Gets the APIServices by name.</summary>
    public ConcurrentDictionary<string, JsonObject> ApiServices { get; } = new();

    public Uri Url => new(_app.Urls.Single());

    public static async Task<KubernetesApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new KubernetesApiStandIn(app);
        app.MapGet("/api/v1/namespaces/{ns}/configmaps/{name}", (string ns, string name) =>
            ns == "kube-system" && name == "extension-apiserver-authentication" && api.AuthenticationConfig is { } data
                ? Results.Json(new { kind = "ConfigMap", apiVersion = "v1", metadata = new { name, @namespace = ns, resourceVersion = "1" }, data })
                : NotFound("configmaps", name));
        // HttpRequest, not HttpContext: a lambda of HttpContext alone would bind as a RequestDelegate and drop the result.
        app.MapPost("/apis/authorization.k8s.io/v1/subjectaccessreviews", (HttpRequest r) => api.ReviewAsync(r.HttpContext));
        app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) =>
            api.Secrets.TryGetValue($"{ns}/{name}", out var secret) ? Results.Json(secret) : NotFound("secrets", name));
        app.MapPost("/api/v1/namespaces/{ns}/secrets", async (string ns, HttpContext c) => await api.WriteSecretAsync(ns, null, c));
        app.MapPut("/api/v1/namespaces/{ns}/secrets/{name}", async (string ns, string name, HttpContext c) => await api.WriteSecretAsync(ns, name, c));
        app.MapGet("/apis/apiregistration.k8s.io/v1/apiservices/{name}", (string name) =>
            api.ApiServices.TryGetValue(name, out var service) ? Results.Json(service) : NotFound("apiservices.apiregistration.k8s.io", name));
        app.MapPatch("/apis/apiregistration.k8s.io/v1/apiservices/{name}", async (string name, HttpContext c) => await api.PatchApiServiceAsync(name, c));
        await app.StartAsync();
        return api;
    }

    /// <summary>Adds an APIService as the published manifest creates it: no caBundle yet.</summary>
    public void AddApiService(string version) => ApiServices[$"{version}.custom.metrics.k8s.io"] = new JsonObject
    {
        ["apiVersion"] = "apiregistration.k8s.io/v1",
        ["kind"] = "APIService",
        ["metadata"] = new JsonObject { ["name"] = $"{version}.custom.metrics.k8s.io", ["resourceVersion"] = "1" },
        ["spec"] = new JsonObject
        {
            ["group"] = "custom.metrics.k8s.io", ["version"] = version, ["groupPriorityMinimum"] = 100, ["versionPriority"] = version == "v1beta2" ? 200 : 100,
            ["service"] = new JsonObject { ["name"] = "vllm-aspire-metrics-adapter", ["namespace"] = "vllm-aspire-metrics", ["port"] = 443 },
        },
    };

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> ReviewAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body);
        if (body is not JsonObject review || (string?)review["apiVersion"] != "authorization.k8s.io/v1" || (string?)review["kind"] != "SubjectAccessReview")
        {
            return Status(400, "BadRequest", "the body is not an authorization.k8s.io/v1 SubjectAccessReview");
        }

        var spec = review["spec"] as JsonObject ?? [];
        var resource = spec["resourceAttributes"];
        var nonResource = spec["nonResourceAttributes"];
        if ((resource is null) == (nonResource is null))
        {
            return Status(422, "Invalid", "SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }

        if (string.IsNullOrEmpty((string?)spec["user"]) && (spec["groups"] as JsonArray ?? []).Count == 0)
        {
            return Status(422, "Invalid", "SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at least one of user or group must be specified");
        }

        Reviews.Enqueue(spec.DeepClone());
        var allowed = Authorize(spec);
        review["status"] = allowed ? new JsonObject { ["allowed"] = true, ["reason"] = "RBAC: allowed by test" } : new JsonObject { ["allowed"] = false, ["reason"] = "no RBAC policy matched" };
        return Results.Json(review, statusCode: 201);
    }

    private async Task<IResult> WriteSecretAsync(string ns, string? name, HttpContext context)
    {
        var secret = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var metadata = secret["metadata"]!.AsObject();
        var secretName = (string)metadata["name"]!;
        if (name is not null && name != secretName)
        {
            return Status(400, "BadRequest", $"the name of the object ({secretName}) does not match the name on the URL ({name})");
        }

        // Real data values are base64: reject anything else, as the API would fail to decode it.
        foreach (var (_, value) in secret["data"]?.AsObject() ?? [])
        {
            _ = Convert.FromBase64String((string)value!);
        }

        lock (Secrets)
        {
            var key = $"{ns}/{secretName}";
            if (name is null)
            {
                if (Secrets.ContainsKey(key))
                {
                    return Status(409, "AlreadyExists", $"secrets \"{secretName}\" already exists");
                }
            }
            else if (!Secrets.TryGetValue(key, out var existing))
            {
                return NotFound("secrets", secretName);
            }
            else if ((string?)metadata["resourceVersion"] is { } version && version != (string?)existing["metadata"]!["resourceVersion"])
            {
                return Status(409, "Conflict", $"Operation cannot be fulfilled on secrets \"{secretName}\": the object has been modified; please apply your changes to the latest version and try again");
            }

            metadata["namespace"] = ns;
            metadata["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Secrets[key] = secret;
            Interlocked.Increment(ref SecretWrites);
            return Results.Json(secret, statusCode: name is null ? 201 : 200);
        }
    }

    private async Task<IResult> PatchApiServiceAsync(string name, HttpContext context)
    {
        if (context.Request.ContentType?.Split(';')[0].Trim() != "application/merge-patch+json")
        {
            return Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }

        if (!ApiServices.TryGetValue(name, out var service))
        {
            return NotFound("apiservices.apiregistration.k8s.io", name);
        }

        var patch = await JsonNode.ParseAsync(context.Request.Body);
        var merged = (JsonObject)MergePatch(service.DeepClone(), patch)!;
        var caBundle = (string?)merged["spec"]?["caBundle"];
        if (caBundle is not null)
        {
            _ = Convert.FromBase64String(caBundle);
        }

        ApiServices[name] = merged;
        return Results.Json(merged);
    }

    // RFC 7386.
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static IResult NotFound(string resource, string name) => Status(404, "NotFound", $"{resource} \"{name}\" not found");

    private static IResult Status(int code, string reason, string message) =>
        Results.Json(new { kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason, code }, statusCode: code);
}
