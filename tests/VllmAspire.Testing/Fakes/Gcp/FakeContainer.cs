using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>
/// Fake GKE API v1 (reference/gcp.md §1): node pools create/get/list/delete as operations polled with
/// <c>operations.get</c>. Faithful points: one node-pool operation per cluster at a time (400 FAILED_PRECONDITION with
/// reason CLUSTER_ALREADY_HAS_OPERATION), 409 ALREADY_EXISTS for a taken name, 404 NOT_FOUND, a secondary boot disk
/// needs image streaming (<c>gcfsConfig.enabled</c>) and an existing image, and a pool whose create failed is left in ERROR.
/// </summary>
public sealed class FakeContainer : FakeGcpApi
{
    private const string Cluster = "v1/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/clusters/(?<cluster>[^/]+)";

    private readonly HashSet<string> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="FakeContainer"/> class.</summary>
    /// <param name="host">The host.</param>
    /// <param name="discovery">container.v1.json.</param>
    internal FakeContainer(FakeGcp host, DiscoveryDocument discovery)
        : base(host, "container/", discovery)
    {
        Map("POST", $"{Cluster}/nodePools", "container.projects.locations.clusters.nodePools.create", Create);
        Map("GET", $"{Cluster}/nodePools", "container.projects.locations.clusters.nodePools.list", List);
        Map("GET", $"{Cluster}/nodePools/(?<pool>[^/]+)", "container.projects.locations.clusters.nodePools.get", Get);
        Map("DELETE", $"{Cluster}/nodePools/(?<pool>[^/]+)", "container.projects.locations.clusters.nodePools.delete", Delete);
        Map("GET", "v1/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/operations/(?<operation>[^/]+)", "container.projects.locations.operations.get", GetOperation);
    }

    /// <summary>Gets the pool paths, e.g. <c>projects/p/locations/l/clusters/c/nodePools/n</c>.</summary>
    public IReadOnlyList<string> NodePools
    {
        get
        {
            lock (Host.Gate)
            {
                return [.. _pools.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registers a cluster (clusters themselves are not created through the fake).</summary>
    /// <param name="project">The project.</param>
    /// <param name="location">The cluster's region or zone.</param>
    /// <param name="name">The cluster's name.</param>
    public void AddCluster(string project, string location, string name)
    {
        lock (Host.Gate)
        {
            _clusters.Add($"projects/{project}/locations/{location}/clusters/{name}");
        }
    }

    /// <summary>Gets a copy of a node pool, or <see langword="null"/>.</summary>
    /// <param name="path">The pool's path.</param>
    /// <returns>The pool.</returns>
    public JsonObject? Find(string path)
    {
        lock (Host.Gate)
        {
            return (JsonObject?)_pools.GetValueOrDefault(path)?.DeepClone();
        }
    }

    /// <summary>Puts a RUNNING node pool in place, as if created earlier.</summary>
    /// <param name="clusterPath">The cluster, <c>projects/p/locations/l/clusters/c</c>.</param>
    /// <param name="nodePool">The pool as in a create request.</param>
    public void AddNodePool(string clusterPath, JsonObject nodePool)
    {
        lock (Host.Gate)
        {
            var pool = (JsonObject)nodePool.DeepClone();
            pool["status"] = "RUNNING";
            pool["selfLink"] = $"https://container.googleapis.com/v1/{clusterPath}/nodePools/{(string)pool["name"]!}";
            _pools[$"{clusterPath}/nodePools/{(string)pool["name"]!}"] = pool;
        }
    }

    /// <inheritdoc />
    internal override void Advance(DateTimeOffset now)
    {
        foreach (var operation in _operations.Values)
        {
            operation.Advance(now, Host.Faults.HoldOperations, (body, failure) =>
            {
                body["error"] = new JsonObject { ["code"] = 8, ["message"] = failure.Message };
                body["statusMessage"] = failure.Message;
            });
        }
    }

    private static string ClusterPath(FakeCall call) => $"projects/{call["project"]}/locations/{call["location"]}/clusters/{call["cluster"]}";

    private static FakeResult NotFound(string path) => GoogleErrorBodies.Rpc(404, "NOT_FOUND", $"Not found: {path}.", "RESOURCE_NOT_FOUND", "container.googleapis.com");

    private FakeResult? Busy(string cluster)
    {
        var running = _operations.Values.FirstOrDefault(o => o.Cluster == cluster && !o.IsDone);
        return running is null
            ? null
            : GoogleErrorBodies.Rpc(400, "FAILED_PRECONDITION", $"Cluster is running incompatible operation {(string)running.Body["name"]!}. Operation {(string)running.Body["name"]!} is currently {((string)running.Body["operationType"]! == "CREATE_NODE_POOL" ? "creating" : "deleting")} a node pool. Please wait and try again once it is done.", "CLUSTER_ALREADY_HAS_OPERATION", "container.googleapis.com");
    }

    private FakeResult StartOperation(FakeCall call, string type, string cluster, string target, Action onDone, Action? onFailed)
    {
        var now = Now;
        var name = $"operation-{now.ToUnixTimeMilliseconds()}-{Guid.NewGuid().ToString()[..8]}";
        var body = new JsonObject
        {
            ["name"] = name,
            ["zone"] = call["location"],
            ["operationType"] = type,
            ["status"] = "RUNNING",
            ["selfLink"] = $"https://container.googleapis.com/v1/projects/{call["project"]}/locations/{call["location"]}/operations/{name}",
            ["targetLink"] = $"https://container.googleapis.com/v1/{target}",
            ["startTime"] = now.ToString("O"),
        };
        _operations[$"projects/{call["project"]}/locations/{call["location"]}/operations/{name}"] = new FakeOperation
        {
            Body = body,
            DoneAt = now + Host.Faults.OperationDuration,
            Cluster = cluster,
            OnDone = onDone,
            OnFailed = onFailed,
            Failure = type == "CREATE_NODE_POOL" ? Host.Faults.OperationFailureFor(target[(target.LastIndexOf('/') + 1)..]) : null,
        };
        return FakeResult.Ok(body.DeepClone());
    }

    private FakeResult Create(FakeCall call)
    {
        var cluster = ClusterPath(call);
        if (!_clusters.Contains(cluster))
        {
            return NotFound(cluster);
        }

        if (Busy(cluster) is { } busy)
        {
            return busy;
        }

        var pool = (JsonObject)call.Body!["nodePool"]!.DeepClone();
        if ((string?)pool["name"] is not { Length: > 0 and <= 40 } name)
        {
            return GoogleErrorBodies.Rpc(400, "INVALID_ARGUMENT", "Node pool name must be 1-40 characters.");
        }

        var path = $"{cluster}/nodePools/{name}";
        if (_pools.ContainsKey(path))
        {
            return GoogleErrorBodies.Rpc(409, "ALREADY_EXISTS", $"Already exists: {path}.", "RESOURCE_ALREADY_EXISTS", "container.googleapis.com");
        }

        if (pool["config"]?["secondaryBootDisks"] is JsonArray { Count: > 0 } disks)
        {
            if (pool["config"]?["gcfsConfig"]?["enabled"]?.GetValue<bool>() != true)
            {
                return GoogleErrorBodies.Rpc(400, "INVALID_ARGUMENT", "Secondary boot disks require image streaming: set config.gcfsConfig.enabled to true.");
            }

            foreach (var disk in disks)
            {
                var image = (string)disk!["diskImage"]!;
                var imagePath = image.Contains("projects/", StringComparison.Ordinal) ? image[image.IndexOf("projects/", StringComparison.Ordinal)..] : $"projects/{call["project"]}/{image}";
                if (Host.Compute.Find(imagePath) is not { } found || (string?)found["status"] != "READY")
                {
                    return GoogleErrorBodies.Rpc(400, "INVALID_ARGUMENT", $"Secondary boot disk image {image} was not found or is not ready.");
                }
            }
        }

        pool["status"] = "PROVISIONING";
        pool["selfLink"] = $"https://container.googleapis.com/v1/{path}";
        pool["instanceGroupUrls"] = new JsonArray();
        _pools[path] = pool;
        return StartOperation(call, "CREATE_NODE_POOL", cluster, path, () => pool["status"] = "RUNNING", () =>
        {
            pool["status"] = "ERROR";
            pool["statusMessage"] = Host.Faults.OperationFailureFor(name)?.Message;
        });
    }

    private FakeResult List(FakeCall call)
    {
        var cluster = ClusterPath(call);
        if (!_clusters.Contains(cluster))
        {
            return NotFound(cluster);
        }

        var pools = _pools.Where(p => p.Key.StartsWith(cluster + "/nodePools/", StringComparison.Ordinal)).Select(p => (JsonNode)p.Value.DeepClone()).ToArray();
        return FakeResult.Ok(pools.Length == 0 ? new JsonObject() : new JsonObject { ["nodePools"] = new JsonArray(pools) });
    }

    private FakeResult Get(FakeCall call)
    {
        var path = $"{ClusterPath(call)}/nodePools/{call["pool"]}";
        return _pools.TryGetValue(path, out var pool) ? FakeResult.Ok(pool.DeepClone()) : NotFound(path);
    }

    private FakeResult Delete(FakeCall call)
    {
        var cluster = ClusterPath(call);
        var path = $"{cluster}/nodePools/{call["pool"]}";
        if (!_pools.TryGetValue(path, out var pool))
        {
            return NotFound(path);
        }

        if (Busy(cluster) is { } busy)
        {
            return busy;
        }

        pool["status"] = "STOPPING";
        return StartOperation(call, "DELETE_NODE_POOL", cluster, path, () => _pools.Remove(path), null);
    }

    private FakeResult GetOperation(FakeCall call)
    {
        var path = call.RelativePath["v1/".Length..];
        return _operations.TryGetValue(path, out var operation) ? FakeResult.Ok(operation.Body.DeepClone()) : NotFound(path);
    }
}
