using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// An in-process Kubernetes API server on a loopback port, for KubernetesClient against the kinds VllmAspire uses:
/// discovery, get, list (label and field selectors), watch, server-side apply (field managers, force, conflicts, dry run;
/// resourceVersion and generation change only when the object does), delete with propagation, status subresources, pod
/// logs, and the API server's Status bodies for 400/404/409/415/422. Applied bodies are decoded strictly against
/// KubernetesClient's models (built-in kinds) or the CRD schemas (custom resources). <see cref="Cluster"/> plays the
/// controllers and kubelet; <see cref="Faults"/> injects transient and permanent errors.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private readonly WebApplication _app;
    private readonly CrdSchemaValidator _crds;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<JsonObject> _applied = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _controllers = Task.CompletedTask;

    private FakeKubernetesApi(WebApplication app, FakeKubernetesOptions options, TimeProvider time)
    {
        _app = app;
        Options = options;
        Time = time;
        _crds = CrdSchemaValidator.Load(options.CrdDirectory ?? RepositoryPaths.Schemas);
        Cluster = new FakeCluster(Store, options, time);
        foreach (var ns in new[] { "default", "kube-system" })
        {
            Seed(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, "kube-apiserver");
        }
    }

    /// <summary>Gets the server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the behaviour options (changeable while running).</summary>
    public FakeKubernetesOptions Options { get; }

    /// <summary>Gets the fault injection settings (changeable while running).</summary>
    public FakeKubernetesFaults Faults { get; } = new();

    /// <summary>Gets the store.</summary>
    public FakeObjectStore Store { get; } = new();

    /// <summary>Gets the simulated controllers and kubelet.</summary>
    public FakeCluster Cluster { get; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Gets every request received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Gets the write requests received (create, apply, update, delete; dry runs excluded), whatever their answer.</summary>
    public IReadOnlyList<RecordedRequest> Writes => [.. _requests.Where(r => r.IsWrite)];

    /// <summary>Gets every applied body the fake accepted and stored, for schema checks.</summary>
    public IReadOnlyList<JsonObject> AcceptedApplyBodies => [.. _applied];

    /// <summary>Starts a fake on a free loopback port.</summary>
    /// <param name="options">Behaviour, or the defaults.</param>
    /// <param name="time">The clock, or the system's.</param>
    /// <returns>The running fake.</returns>
    public static async Task<FakeKubernetesApi> StartAsync(FakeKubernetesOptions? options = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app, options ?? new FakeKubernetesOptions(), time ?? TimeProvider.System);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        fake._controllers = fake.RunControllersAsync();
        return fake;
    }

    /// <summary>Gets a client configuration pointing at the fake.</summary>
    /// <returns>The configuration.</returns>
    public KubernetesClientConfiguration ClientConfiguration() => new() { Host = BaseAddress.ToString() };

    /// <summary>Reads a stored object.</summary>
    /// <param name="plural">Its resource, e.g. <c>deployments</c>.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/>.</param>
    /// <param name="name">Its name.</param>
    /// <returns>A copy, or <see langword="null"/>.</returns>
    public JsonObject? Get(string plural, string? @namespace, string name) =>
        Store.Get(FakeResourceType.All.Single(t => t.Plural == plural), @namespace, name)?.Object.DeepClone().AsObject();

    /// <summary>Stores an object as another client would (server-side apply by <paramref name="manager"/>), bypassing faults.</summary>
    /// <param name="obj">The object, with apiVersion, kind and metadata.</param>
    /// <param name="manager">The field manager, e.g. <c>kubectl</c>.</param>
    /// <returns>The stored object.</returns>
    public JsonObject Seed(JsonObject obj, string manager = "kubectl")
    {
        var type = FakeResourceType.All.Single(t => t.ApiVersion == (string?)obj["apiVersion"] && t.Kind == (string?)obj["kind"]);
        lock (Store.Sync)
        {
            var existing = Store.Get(type, (string?)obj["metadata"]?["namespace"], (string)obj["metadata"]!["name"]!);
            var (result, owners, _, _) = ServerSideApply.Apply(type, existing, obj, manager, force: true, Time.GetUtcNow());
            return Store.Put(type, result, owners).Object.DeepClone().AsObject();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _controllers;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static async Task WriteJsonAsync(HttpContext http, int code, JsonNode body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(Compact));
    }

    private static Task WriteStatusAsync(HttpContext http, JsonObject status) => WriteJsonAsync(http, (int)status["code"]!, status);

    private static bool MatchesFields(JsonObject obj, string? fieldSelector)
    {
        foreach (var term in (fieldSelector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            JsonNode? node = obj;
            foreach (var key in parts[0].Split('.'))
            {
                node = (node as JsonObject)?[key];
            }

            if ((((string?)node?.ToString()) ?? "") == parts[1] == negate)
            {
                return false;
            }
        }

        return true;
    }

    private async Task RunControllersAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Cluster.Step();
            try
            {
                await Task.Delay(Options.ControllerInterval, Time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(http.RequestAborted);
        }

        try
        {
            await DispatchAsync(http, body);
        }
        finally
        {
            _requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", request.ContentType, body, http.Response.StatusCode));
        }
    }

    private async Task DispatchAsync(HttpContext http, string? body)
    {
        var method = http.Request.Method;
        var path = http.Request.Path.Value ?? "/";
        Faults.OnRequest?.Invoke(method, path);
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (Discovery(segments) is { } document)
        {
            await WriteJsonAsync(http, 200, document);
            return;
        }

        if (Faults.NextTransient() is { } transient)
        {
            if (transient == 429)
            {
                http.Response.Headers.RetryAfter = "1";
            }

            await WriteStatusAsync(http, transient switch
            {
                429 => KubernetesStatus.Failure(429, "TooManyRequests", "Too many requests, please try again later."),
                500 => KubernetesStatus.Failure(500, "InternalError", "Internal error occurred: etcdserver: request timed out"),
                _ => KubernetesStatus.Failure(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
            });
            return;
        }

        if (!TryRoute(segments, out var type, out var ns, out var name, out var sub))
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(404, "NotFound", "the server could not find the requested resource"));
            return;
        }

        var faultKey = ns is null ? $"{type.Plural}/{name}" : $"{type.Plural}/{ns}/{name}";
        if (name is not null && Faults.Permanent.TryGetValue(faultKey, out var permanent))
        {
            var verb = method switch { "GET" => "get", "PATCH" => "patch", "DELETE" => "delete", "PUT" => "update", _ => "create" };
            await WriteStatusAsync(http, permanent == 403
                ? KubernetesStatus.Failure(403, "Forbidden", $"{type.QualifiedPlural} \"{name}\" is forbidden: User \"system:serviceaccount:ci:deployer\" cannot {verb} resource \"{type.Plural}\" in API group \"{type.Group}\"{(ns is null ? " at the cluster scope" : $" in the namespace \"{ns}\"")}", type, name)
                : KubernetesStatus.Invalid(type, name, [("FieldValueForbidden", "Forbidden: rejected by an admission webhook (fault injection)", "spec")]));
            return;
        }

        switch (method)
        {
            case "GET" when sub == "log":
                await LogAsync(http, ns!, name!);
                return;
            case "GET" when name is null && http.Request.Query["watch"] is var w && (w == "true" || w == "1"):
                await WatchAsync(http, type, ns);
                return;
            case "GET" when name is null:
                await ListAsync(http, type, ns);
                return;
            case "GET":
                var stored = Store.Get(type, ns, name);
                await (stored is null ? WriteStatusAsync(http, KubernetesStatus.NotFound(type, name)) : WriteJsonAsync(http, 200, stored.Object));
                return;
            case "PATCH" when name is not null:
                await ApplyAsync(http, type, ns, name, sub, body);
                return;
            case "POST" when name is null && sub is null:
                await CreateAsync(http, type, ns, body);
                return;
            case "DELETE" when name is not null:
                await DeleteAsync(http, type, ns, name, body);
                return;
            default:
                await WriteStatusAsync(http, KubernetesStatus.Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method} {path})"));
                return;
        }
    }

    private JsonObject? Discovery(string[] segments)
    {
        var types = FakeResourceType.All.Where(t => t.Model is not null || _crds.Knows(t.ApiVersion, t.Kind)).ToList();
        JsonObject ResourceList(string groupVersion, IEnumerable<FakeResourceType> served) => new()
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = new JsonArray([.. served.SelectMany(t => new[]
            {
                (JsonNode)new JsonObject
                {
                    ["name"] = t.Plural, ["singularName"] = t.Kind.ToLowerInvariant(), ["namespaced"] = t.Namespaced, ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("delete", "get", "list", "patch", "watch"),
                },
            }.Concat(t.Subresources.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = $"{t.Plural}/{s}", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = s == "log" ? "Pod" : t.Kind,
                ["verbs"] = s == "log" ? new JsonArray("get") : new JsonArray("get", "patch"),
            })))]),
        };
        return segments switch
        {
            ["version"] => new JsonObject { ["major"] = "1", ["minor"] = "33", ["gitVersion"] = "v1.33.5-gke.1000", ["platform"] = "linux/amd64" },
            ["api"] => new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray() },
            ["api", "v1"] => ResourceList("v1", types.Where(t => t.Group.Length == 0)),
            ["apis"] => new JsonObject
            {
                ["kind"] = "APIGroupList",
                ["apiVersion"] = "v1",
                ["groups"] = new JsonArray([.. types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).Select(g => (JsonNode)new JsonObject
                {
                    ["name"] = g.Key,
                    ["versions"] = new JsonArray([.. g.Select(t => t.Version).Distinct().Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v })]),
                    ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Key}/{g.First().Version}", ["version"] = g.First().Version },
                })]),
            },
            ["apis", var group, var version] when types.Any(t => t.Group == group && t.Version == version) =>
                ResourceList($"{group}/{version}", types.Where(t => t.Group == group && t.Version == version)),
            _ => null,
        };
    }

    private bool TryRoute(string[] segments, out FakeResourceType type, out string? ns, out string? name, out string? sub)
    {
        type = null!;
        ns = name = sub = null;
        string group, version;
        string[] rest;
        if (segments is ["api", "v1", .. var core])
        {
            (group, version, rest) = ("", "v1", core);
        }
        else if (segments is ["apis", var g, var v, .. var named])
        {
            (group, version, rest) = (g, v, named);
        }
        else
        {
            return false;
        }

        if (rest is ["namespaces", var nsName, "status" or "finalize"])
        {
            rest = ["namespaces", nsName, rest[2]];
        }
        else if (rest is ["namespaces", var inNamespace, _, ..])
        {
            ns = inNamespace;
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            return false;
        }

        var plural = rest[0];
        var found = FakeResourceType.All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);
        if (found is null || (found.Model is null && !_crds.Knows(found.ApiVersion, found.Kind)) || (ns is not null && !found.Namespaced))
        {
            return false;
        }

        type = found;
        name = rest.Length > 1 ? rest[1] : null;
        sub = rest.Length > 2 ? rest[2] : null;
        if ((sub is not null && !found.Subresources.Contains(sub)) || (found.Namespaced && name is not null && ns is null))
        {
            return false;
        }

        return true;
    }

    private async Task ListAsync(HttpContext http, FakeResourceType type, string? ns)
    {
        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(http.Request.Query["labelSelector"]);
        }
        catch (FormatException e)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", e.Message));
            return;
        }

        var fields = (string?)http.Request.Query["fieldSelector"];
        long resourceVersion;
        List<JsonObject> items;
        lock (Store.Sync)
        {
            resourceVersion = Store.ResourceVersion;
            items = [.. Store.List(type, ns).Where(o => selector.Matches(o) && MatchesFields(o, fields))];
        }

        await WriteJsonAsync(http, 200, new JsonObject
        {
            ["apiVersion"] = type.ApiVersion,
            ["kind"] = type.Kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray([.. items]),
        });
    }

    private async Task WatchAsync(HttpContext http, FakeResourceType type, string? ns)
    {
        var selector = LabelSelector.Parse(http.Request.Query["labelSelector"]);
        var fields = (string?)http.Request.Query["fieldSelector"];
        var timeout = int.TryParse(http.Request.Query["timeoutSeconds"], out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        long? after = long.TryParse(http.Request.Query["resourceVersion"], out var rv) && rv > 0 ? rv : null;
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        System.Threading.Channels.Channel<WatchEvent> channel;
        List<JsonObject> initial;
        lock (Store.Sync)
        {
            channel = Store.Subscribe(after);
            initial = after is null ? Store.List(type, ns) : [];
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        stop.CancelAfter(timeout);
        try
        {
            foreach (var obj in initial.Where(o => selector.Matches(o) && MatchesFields(o, fields)))
            {
                await http.Response.WriteAsync(new JsonObject { ["type"] = "ADDED", ["object"] = obj }.ToJsonString(Compact) + "\n", stop.Token);
            }

            await http.Response.Body.FlushAsync(stop.Token);
            await foreach (var e in channel.Reader.ReadAllAsync(stop.Token))
            {
                if (e.ResourceType != type || (ns is not null && (string?)e.Object["metadata"]?["namespace"] != ns) || !selector.Matches(e.Object) || !MatchesFields(e.Object, fields))
                {
                    continue;
                }

                await http.Response.WriteAsync(new JsonObject { ["type"] = e.Type, ["object"] = e.Object }.ToJsonString(Compact) + "\n", stop.Token);
                await http.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch's timeout, the client going away, or the fake stopping: the stream just ends, as on a real server.
        }
        finally
        {
            Store.Unsubscribe(channel);
        }
    }

    private async Task LogAsync(HttpContext http, string ns, string pod)
    {
        var podType = FakeResourceType.All.Single(t => t.Plural == "pods");
        if (Store.Get(podType, ns, pod) is not { } stored)
        {
            await WriteStatusAsync(http, KubernetesStatus.NotFound(podType, pod));
            return;
        }

        // As the API server: without ?container= only a single-container pod's log can be read (init containers do not count).
        var spec = stored.Object["spec"]!;
        var names = (spec["containers"]?.AsArray() ?? []).Select(c => (string)c!["name"]!).ToList();
        var initNames = (spec["initContainers"]?.AsArray() ?? []).Select(c => (string)c!["name"]!).ToList();
        var container = (string?)http.Request.Query["container"];
        if (string.IsNullOrEmpty(container) && names.Count != 1)
        {
            var message = $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", names)}]" + (initNames.Count > 0 ? $" or one of the init containers: [{string.Join(" ", initNames)}]" : "");
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", message));
            return;
        }

        container = string.IsNullOrEmpty(container) ? names[0] : container;
        if (!names.Contains(container) && !initNames.Contains(container))
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", $"container {container} is not valid for pod {pod}"));
            return;
        }

        if (Cluster.Log(ns, pod, container, timestamps: http.Request.Query["timestamps"] == "true") is not { } log)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", $"container \"{container}\" in pod \"{pod}\" is waiting to start: {(initNames.Contains(container) ? "PodInitializing" : "ContainerCreating")}"));
            return;
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(log);
    }

    // What the API server answers a create or apply body with that does not decode, validate or fit (missing namespace).
    private JsonObject? Rejection(FakeResourceType type, string? ns, string name, JsonObject body)
    {
        var problems = type.Model is not null ? StrictFieldValidator.Check(type.Model, body) : _crds.Check(body);
        if (problems.Any(p => p.EndsWith("field not declared in schema", StringComparison.Ordinal)))
        {
            return KubernetesStatus.Failure(400, "BadRequest", $"failed to create typed patch object ({ns}/{name}; {type.ApiVersion}, Kind={type.Kind}): {string.Join(", ", problems)}");
        }

        if (problems.Count > 0)
        {
            return KubernetesStatus.Invalid(type, name, [.. problems.Select(p => ("FieldValueInvalid", p, ""))]);
        }

        var namespaces = FakeResourceType.All.Single(t => t.Plural == "namespaces");
        return ns is not null && Store.Get(namespaces, null, ns) is null ? KubernetesStatus.NotFound(namespaces, ns) : null;
    }

    // POST to a collection, as `kubectl create` and KubernetesClient's Create* calls do: 409 AlreadyExists when taken.
    private async Task CreateAsync(HttpContext http, FakeResourceType type, string? ns, string? body)
    {
        JsonObject created;
        try
        {
            created = JsonNode.Parse(body ?? "")!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", $"the object provided is unrecognized: {e.Message}"));
            return;
        }

        // The typed clients leave apiVersion and kind out; the API server takes them from the URL.
        created["apiVersion"] ??= type.ApiVersion;
        created["kind"] ??= type.Kind;
        var name = (string?)created["metadata"]?["name"];
        var bodyNamespace = (string?)created["metadata"]?["namespace"];
        var mismatch = (string?)created["apiVersion"] != type.ApiVersion || (string?)created["kind"] != type.Kind
                ? $"the API version or kind in the data ({created["apiVersion"]}, {created["kind"]}) does not match the expected ({type.ApiVersion}, {type.Kind})"
            : bodyNamespace is not null && bodyNamespace != ns ? "the namespace of the provided object does not match the namespace sent on the request"
            : null;
        if (mismatch is not null)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", mismatch));
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            await WriteStatusAsync(http, KubernetesStatus.Invalid(type, "", [("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]));
            return;
        }

        if (Rejection(type, ns, name, created) is { } rejection)
        {
            await WriteStatusAsync(http, rejection);
            return;
        }

        if (ns is not null)
        {
            created["metadata"]!["namespace"] = ns;
        }

        var dryRun = http.Request.Query["dryRun"] == "All";
        JsonObject answer;
        int code;
        lock (Store.Sync)
        {
            if (Store.Get(type, ns, name) is not null)
            {
                answer = KubernetesStatus.Failure(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", type, name);
                code = 409;
            }
            else
            {
                var manager = (string?)http.Request.Query["fieldManager"] is { Length: > 0 } m ? m : "kubectl-create";
                var (result, owners, _, _) = ServerSideApply.Apply(type, null, created, manager, force: true, Time.GetUtcNow());
                var invalid = ObjectValidation.Check(type, result, null);
                if (invalid.Count > 0)
                {
                    answer = KubernetesStatus.Invalid(type, name, invalid);
                    code = 422;
                }
                else
                {
                    answer = dryRun ? result : Store.Put(type, result, owners).Object;
                    code = 201;
                    if (!dryRun && type.Kind == "Namespace")
                    {
                        SeedNamespaceDefaults(name);
                    }
                }
            }
        }

        await WriteJsonAsync(http, code, answer);
    }

    private async Task ApplyAsync(HttpContext http, FakeResourceType type, string? ns, string name, string? sub, string? body)
    {
        var query = http.Request.Query;
        if (http.Request.ContentType?.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal) != true)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format ({http.Request.ContentType}) - this fake accepts only application/apply-patch+yaml"));
            return;
        }

        var manager = (string?)query["fieldManager"];
        if (string.IsNullOrEmpty(manager))
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"));
            return;
        }

        JsonObject applied;
        try
        {
            applied = JsonNode.Parse(body ?? "")!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", $"error decoding YAML: {e.Message}"));
            return;
        }

        var apiVersion = (string?)applied["apiVersion"];
        var kind = (string?)applied["kind"];
        var bodyName = (string?)applied["metadata"]?["name"];
        var bodyNamespace = (string?)applied["metadata"]?["namespace"];
        var mismatch = apiVersion != type.ApiVersion ? $"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})"
            : kind != type.Kind ? $"the kind in the data ({kind}) does not match the expected kind ({type.Kind})"
            : bodyName != name ? $"the name of the object ({bodyName}) does not match the name on the URL ({name})"
            : bodyNamespace is not null && bodyNamespace != ns ? "the namespace of the provided object does not match the namespace sent on the request"
            : null;
        if (mismatch is not null)
        {
            await WriteStatusAsync(http, KubernetesStatus.Failure(400, "BadRequest", mismatch));
            return;
        }

        if (Rejection(type, ns, name, applied) is { } rejection)
        {
            await WriteStatusAsync(http, rejection);
            return;
        }

        // The URL names the namespace when the body does not.
        if (ns is not null && bodyNamespace is null)
        {
            applied["metadata"]!["namespace"] = ns;
        }

        var dryRun = query["dryRun"] == "All";
        JsonObject answer;
        int code;
        lock (Store.Sync)
        {
            var existing = Store.Get(type, ns, name);
            if (sub == "status")
            {
                if (existing is null)
                {
                    answer = KubernetesStatus.NotFound(type, name);
                    code = 404;
                }
                else
                {
                    var updated = existing.Object.DeepClone().AsObject();
                    updated["status"] = applied["status"]?.DeepClone();
                    answer = dryRun || JsonNode.DeepEquals(updated, existing.Object) ? updated : Store.Put(type, updated).Object;
                    code = 200;
                }
            }
            else
            {
                var (result, owners, changed, conflicts) = ServerSideApply.Apply(type, existing, applied, manager, query["force"] == "true", Time.GetUtcNow());
                var invalid = ObjectValidation.Check(type, result, existing?.Object);
                if (conflicts.Count > 0)
                {
                    answer = KubernetesStatus.Failure(409, "Conflict", $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("\n", conflicts)}", type, name);
                    code = 409;
                }
                else if (invalid.Count > 0)
                {
                    answer = KubernetesStatus.Invalid(type, name, invalid);
                    code = 422;
                }
                else
                {
                    answer = changed && !dryRun ? Store.Put(type, result, owners).Object : result;
                    code = existing is null ? 201 : 200;
                    if (existing is null && !dryRun && type.Kind == "Namespace")
                    {
                        SeedNamespaceDefaults(name);
                    }

                    if (changed && !dryRun)
                    {
                        _applied.Enqueue(applied);
                    }
                }
            }

            answer = answer.DeepClone().AsObject();
        }

        await WriteJsonAsync(http, code, answer);
    }

    private async Task DeleteAsync(HttpContext http, FakeResourceType type, string? ns, string name, string? body)
    {
        var propagation = (string?)http.Request.Query["propagationPolicy"]
            ?? (body is null ? null : (string?)JsonNode.Parse(body)?["propagationPolicy"])
            ?? (type.Kind == "Job" ? "Orphan" : "Background");
        JsonObject? removed;
        lock (Store.Sync)
        {
            removed = Store.Remove(type, ns, name);
            if (removed is not null)
            {
                if (type.Kind == "Namespace")
                {
                    foreach (var (t, inNamespace, objName, _) in Store.All().Where(o => o.Type.Namespaced && o.Namespace == name))
                    {
                        Store.Remove(t, inNamespace, objName);
                    }
                }
                else if (propagation != "Orphan")
                {
                    RemoveDependents((string?)removed["metadata"]?["uid"]);
                }
            }
        }

        if (removed is null)
        {
            await WriteStatusAsync(http, KubernetesStatus.NotFound(type, name));
            return;
        }

        // As the API server: these registries answer with the deleted object, the others with a Success Status.
        if (type.Kind is "Pod" or "Service" or "ServiceAccount" or "PersistentVolume" or "PersistentVolumeClaim")
        {
            var deleted = removed.DeepClone().AsObject();
            deleted["metadata"]!["deletionTimestamp"] = ServerSideApply.Timestamp(Time.GetUtcNow());
            await WriteJsonAsync(http, 200, deleted);
            return;
        }

        await WriteJsonAsync(http, 200, KubernetesStatus.Success(type, name, (string?)removed["metadata"]?["uid"]));
    }

    // As the serviceaccount controller and the root CA publisher do in every new namespace.
    private void SeedNamespaceDefaults(string ns)
    {
        Seed(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns } }, "kube-controller-manager");
        Seed(
            new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["namespace"] = ns },
                ["data"] = new JsonObject { ["ca.crt"] = "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n" },
            },
            "kube-controller-manager");
    }

    private void RemoveDependents(string? uid)
    {
        if (uid is null)
        {
            return;
        }

        foreach (var (type, ns, name, entry) in Store.All().Where(o => o.Entry.Object["metadata"]?["ownerReferences"]?.AsArray().Any(r => (string?)r!["uid"] == uid) == true))
        {
            Store.Remove(type, ns, name);
            if (type.Kind == "Pod")
            {
                Cluster.Forget(ns, name);
            }

            RemoveDependents((string?)entry.Object["metadata"]?["uid"]);
        }
    }
}
