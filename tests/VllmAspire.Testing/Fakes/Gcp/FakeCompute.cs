using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>
/// Fake Compute Engine v1 (reference/gcp.md §2): disks, images and instances with insert/get/list/delete as zonal or
/// global operations, serial port output, operations get and wait. Faithful points: 409 <c>alreadyExists</c> for a taken
/// name, 404 <c>notFound</c>, a repeated <c>requestId</c> returns the first operation and does nothing, an attached disk
/// cannot be deleted or imaged (<c>resourceInUseByAnotherResource</c>), labels must be valid GCE labels, int64 fields are
/// JSON strings, and a VM with a <c>startup-script</c> prints the image-cache sentinel after <see cref="BuilderDuration"/>.
/// </summary>
public sealed partial class FakeCompute : FakeGcpApi
{
    private const string LinkBase = "https://www.googleapis.com/compute/v1/";
    private const string Zone = "projects/(?<project>[^/]+)/zones/(?<zone>[^/]+)";
    private const string Global = "projects/(?<project>[^/]+)/global";

    private readonly Dictionary<string, JsonObject> _disks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _requestIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _scriptStarted = new(StringComparer.Ordinal);
    private long _nextId = 1_000_000_000_000;

    /// <summary>Initializes a new instance of the <see cref="FakeCompute"/> class.</summary>
    /// <param name="host">The host.</param>
    /// <param name="discovery">compute.v1.json.</param>
    internal FakeCompute(FakeGcp host, DiscoveryDocument discovery)
        : base(host, "compute/v1/", discovery)
    {
        Map("POST", $"{Zone}/disks", "compute.disks.insert", InsertDisk);
        Map("GET", $"{Zone}/disks", "compute.disks.list", c => List(_disks, $"projects/{c["project"]}/zones/{c["zone"]}/disks/", "compute#diskList", c));
        Map("GET", $"{Zone}/disks/(?<name>[^/]+)", "compute.disks.get", c => Get(_disks, c.RelativePath));
        Map("DELETE", $"{Zone}/disks/(?<name>[^/]+)", "compute.disks.delete", DeleteDisk);
        Map("POST", $"{Global}/images", "compute.images.insert", InsertImage);
        Map("GET", $"{Global}/images", "compute.images.list", c => List(_images, $"projects/{c["project"]}/global/images/", "compute#imageList", c));
        Map("GET", $"{Global}/images/(?<name>[^/]+)", "compute.images.get", c => Get(_images, c.RelativePath));
        Map("DELETE", $"{Global}/images/(?<name>[^/]+)", "compute.images.delete", DeleteImage);
        Map("POST", $"{Zone}/instances", "compute.instances.insert", InsertInstance);
        Map("GET", $"{Zone}/instances", "compute.instances.list", c => List(_instances, $"projects/{c["project"]}/zones/{c["zone"]}/instances/", "compute#instanceList", c));
        Map("GET", $"{Zone}/instances/(?<name>[^/]+)", "compute.instances.get", c => Get(_instances, c.RelativePath));
        Map("DELETE", $"{Zone}/instances/(?<name>[^/]+)", "compute.instances.delete", DeleteInstance);
        Map("GET", $"{Zone}/instances/(?<name>[^/]+)/serialPort", "compute.instances.getSerialPortOutput", SerialPort);
        foreach (var (scope, id) in new[] { (Zone, "zoneOperations"), (Global, "globalOperations"), ("projects/(?<project>[^/]+)/regions/(?<region>[^/]+)", "regionOperations") })
        {
            Map("GET", $"{scope}/operations/(?<name>[^/]+)", $"compute.{id}.get", c => Get(_operations.ToDictionary(o => o.Key, o => o.Value.Body), c.RelativePath));
            MapAsync("POST", $"{scope}/operations/(?<name>[^/]+)/wait", $"compute.{id}.wait", WaitAsync);
        }
    }

    /// <summary>Gets or sets what a VM with a startup script prints once its script has run.</summary>
    public BuilderScriptOutcome BuilderOutcome { get; set; } = BuilderScriptOutcome.Success;

    /// <summary>Gets or sets how long a startup script runs after the VM is RUNNING.</summary>
    public TimeSpan BuilderDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest a <c>wait</c> call blocks (the real API: about 2 minutes).</summary>
    public TimeSpan WaitMaxDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the paths of the disks, e.g. <c>projects/p/zones/z/disks/d</c>.</summary>
    public IReadOnlyList<string> Disks => Snapshot(_disks);

    /// <summary>Gets the paths of the images.</summary>
    public IReadOnlyList<string> Images => Snapshot(_images);

    /// <summary>Gets the paths of the instances.</summary>
    public IReadOnlyList<string> Instances => Snapshot(_instances);

    /// <summary>Gets how many operations were started (repeated requestIds do not start one).</summary>
    public int OperationCount
    {
        get
        {
            lock (Host.Gate)
            {
                return _operations.Count;
            }
        }
    }

    /// <summary>Gets a copy of a disk, image or instance as the API would return it, or <see langword="null"/>.</summary>
    /// <param name="path">E.g. <c>projects/p/zones/z/disks/d</c>.</param>
    /// <returns>The object.</returns>
    public JsonObject? Find(string path)
    {
        lock (Host.Gate)
        {
            return (JsonObject?)(_disks.GetValueOrDefault(path) ?? _images.GetValueOrDefault(path) ?? _instances.GetValueOrDefault(path))?.DeepClone();
        }
    }

    /// <summary>Puts a READY image in place, as if made earlier (by someone else when <paramref name="labels"/> is not ours).</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The image name.</param>
    /// <param name="labels">Its labels.</param>
    /// <param name="diskSizeGb">Its size.</param>
    public void AddImage(string project, string name, IReadOnlyDictionary<string, string>? labels = null, long diskSizeGb = 10)
    {
        lock (Host.Gate)
        {
            var path = $"projects/{project}/global/images/{name}";
            _images[path] = new JsonObject
            {
                ["kind"] = "compute#image",
                ["id"] = NextId(),
                ["name"] = name,
                ["status"] = "READY",
                ["diskSizeGb"] = diskSizeGb.ToString(CultureInfo.InvariantCulture),
                ["labels"] = LabelsNode(labels),
                ["selfLink"] = LinkBase + path,
            };
        }
    }

    /// <summary>Puts a READY disk in place.</summary>
    /// <param name="project">The project.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="name">The disk name.</param>
    /// <param name="labels">Its labels.</param>
    /// <param name="sizeGb">Its size.</param>
    public void AddDisk(string project, string zone, string name, IReadOnlyDictionary<string, string>? labels = null, long sizeGb = 10)
    {
        lock (Host.Gate)
        {
            var path = $"projects/{project}/zones/{zone}/disks/{name}";
            _disks[path] = new JsonObject
            {
                ["kind"] = "compute#disk",
                ["id"] = NextId(),
                ["name"] = name,
                ["status"] = "READY",
                ["sizeGb"] = sizeGb.ToString(CultureInfo.InvariantCulture),
                ["labels"] = LabelsNode(labels),
                ["zone"] = $"{LinkBase}projects/{project}/zones/{zone}",
                ["selfLink"] = LinkBase + path,
            };
        }
    }

    /// <inheritdoc />
    internal override void Advance(DateTimeOffset now)
    {
        foreach (var operation in _operations.Values)
        {
            operation.Advance(now, Host.Faults.HoldOperations, SetError);
        }
    }

    private static JsonObject LabelsNode(IReadOnlyDictionary<string, string>? labels) =>
        new((labels ?? new Dictionary<string, string>()).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));

    private static void SetError(JsonObject operation, FakeOperationFailure failure)
    {
        operation["error"] = new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message }) };
        operation["httpErrorStatusCode"] = failure.HttpStatus;
        operation["httpErrorMessage"] = failure.HttpStatus == 403 ? "FORBIDDEN" : "BAD REQUEST";
    }

    private static FakeResult NotFound(string path) => GoogleErrorBodies.Compute(404, "notFound", $"The resource '{path}' was not found");

    private static FakeResult Invalid(string message) => GoogleErrorBodies.Compute(400, "invalid", message);

    // A reference such as zones/z/disks/d, projects/p/global/images/i or a full URL, as a path projects/….
    private static string Resolve(string reference, string project)
    {
        var at = reference.IndexOf("projects/", StringComparison.Ordinal);
        return at >= 0 ? reference[at..] : $"projects/{project}/{reference.TrimStart('/')}";
    }

    [GeneratedRegex("^[a-z][-_a-z0-9]{0,62}$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^[-_a-z0-9]{0,63}$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex ResourceName();

    private static FakeResult? ValidateNameAndLabels(JsonObject body)
    {
        if ((string?)body["name"] is not { } name || !ResourceName().IsMatch(name))
        {
            return Invalid($"Invalid value for field 'resource.name': '{(string?)body["name"]}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{{0,61}}[a-z0-9])?)'");
        }

        foreach (var (key, value) in body["labels"] as JsonObject ?? [])
        {
            if (!LabelKey().IsMatch(key) || !LabelValue().IsMatch((string?)value ?? ""))
            {
                return Invalid($"Invalid value for field 'resource.labels': '{key}={value}'. Label keys and values may only contain lowercase letters, digits, '-' and '_'; keys start with a letter.");
            }
        }

        return null;
    }

    private static FakeResult Get(Dictionary<string, JsonObject> store, string path) =>
        store.TryGetValue(path, out var item) ? FakeResult.Ok(item.DeepClone()) : NotFound(path);

    private static FakeResult List(Dictionary<string, JsonObject> store, string prefix, string kind, FakeCall call)
    {
        List<JsonObject> items;
        try
        {
            items = store.Where(i => i.Key.StartsWith(prefix, StringComparison.Ordinal) && !i.Key[prefix.Length..].Contains('/', StringComparison.Ordinal))
                .Select(i => i.Value).Where(i => MatchesLabelFilter(call.Query.GetValueOrDefault("filter"), i)).ToList();
        }
        catch (FormatException ex)
        {
            return Invalid(ex.Message);
        }

        var list = new JsonObject { ["kind"] = kind, ["id"] = prefix.TrimEnd('/'), ["selfLink"] = LinkBase + prefix.TrimEnd('/') };
        if (items.Count > 0)
        {
            list["items"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray());
        }

        return FakeResult.Ok(list);
    }

    private IReadOnlyList<string> Snapshot(Dictionary<string, JsonObject> store)
    {
        lock (Host.Gate)
        {
            return [.. store.Keys.Order(StringComparer.Ordinal)];
        }
    }

    private string NextId() => (_nextId++).ToString(CultureInfo.InvariantCulture);

    // A repeated requestId returns the first operation as it is now, and does nothing else.
    private bool TryRepeat(FakeCall call, out FakeResult result, out FakeResult? invalid)
    {
        result = null!;
        invalid = null;
        if (!call.Query.TryGetValue("requestId", out var requestId))
        {
            return false;
        }

        if (!Guid.TryParse(requestId, out var guid) || guid == Guid.Empty)
        {
            invalid = Invalid($"Invalid value for field 'requestId': '{requestId}'. The request ID must be a valid UUID with the exception that zero UUID is not supported.");
            return false;
        }

        if (_requestIds.TryGetValue(requestId, out var operationPath))
        {
            result = FakeResult.Ok(_operations[operationPath].Body.DeepClone());
            return true;
        }

        return false;
    }

    private FakeResult StartOperation(FakeCall call, string type, string target, string? zone, Action onDone, Action? onFailed = null, FakeOperationFailure? failure = null)
    {
        var project = call["project"];
        var now = Now;
        var name = $"operation-{now.ToUnixTimeMilliseconds()}-{Guid.NewGuid():N}"[..46];
        var scope = zone is null ? $"projects/{project}/global" : $"projects/{project}/zones/{zone}";
        var path = $"{scope}/operations/{name}";
        var body = new JsonObject
        {
            ["kind"] = "compute#operation",
            ["id"] = NextId(),
            ["name"] = name,
            ["operationType"] = type,
            ["targetLink"] = LinkBase + target,
            ["targetId"] = NextId(),
            ["status"] = "RUNNING",
            ["user"] = "deployer@example.iam.gserviceaccount.com",
            ["progress"] = 0,
            ["insertTime"] = now.ToString("O"),
            ["startTime"] = now.ToString("O"),
            ["selfLink"] = LinkBase + path,
        };
        if (zone is not null)
        {
            body["zone"] = $"{LinkBase}projects/{project}/zones/{zone}";
        }

        _operations[path] = new FakeOperation
        {
            Body = body,
            DoneAt = now + Host.Faults.OperationDuration,
            OnDone = onDone,
            OnFailed = onFailed,
            Failure = failure ?? Host.Faults.OperationFailureFor(target[(target.LastIndexOf('/') + 1)..]),
        };
        if (call.Query.TryGetValue("requestId", out var requestId))
        {
            _requestIds[requestId] = path;
        }

        return FakeResult.Ok(body.DeepClone());
    }

    private FakeResult InsertDisk(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if ((invalid ?? ValidateNameAndLabels(call.Body!)) is { } refused)
        {
            return refused;
        }

        var (project, zone, body) = (call["project"], call["zone"], call.Body!);
        var path = $"projects/{project}/zones/{zone}/disks/{(string)body["name"]!}";
        if (_disks.ContainsKey(path))
        {
            return GoogleErrorBodies.Compute(409, "alreadyExists", $"The resource '{path}' already exists");
        }

        long? requested = body["sizeGb"] is { } s ? long.Parse(s.ToString(), CultureInfo.InvariantCulture) : null;
        var disk = (JsonObject)body.DeepClone();
        if (((string?)body["sourceImage"] ?? call.Query.GetValueOrDefault("sourceImage")) is { } sourceImage)
        {
            var imagePath = Resolve(sourceImage, project);
            if (!_images.TryGetValue(imagePath, out var image))
            {
                return NotFound(imagePath);
            }

            if ((string?)image["status"] != "READY")
            {
                return GoogleErrorBodies.Compute(400, "resourceNotReady", $"The resource '{imagePath}' is not ready");
            }

            var imageSize = long.Parse((string)image["diskSizeGb"]!, CultureInfo.InvariantCulture);
            if (requested < imageSize)
            {
                return Invalid($"Invalid value for field 'resource.sizeGb': '{requested}'. Requested disk size cannot be smaller than the image size ({imageSize} GB)");
            }

            requested ??= imageSize;
            disk["sourceImage"] = LinkBase + imagePath;
            disk["sourceImageId"] = (string?)image["id"];
        }

        if (requested is < 1 or > 65536)
        {
            return Invalid($"Invalid value for field 'resource.sizeGb': '{requested}'. Disk size must be between 1 and 65536 GB.");
        }

        disk["kind"] = "compute#disk";
        disk["id"] = NextId();
        disk["sizeGb"] = (requested ?? 500).ToString(CultureInfo.InvariantCulture);
        disk["status"] = "CREATING";
        disk["zone"] = $"{LinkBase}projects/{project}/zones/{zone}";
        disk["selfLink"] = LinkBase + path;
        disk["creationTimestamp"] = Now.ToString("O");
        disk["labelFingerprint"] = "42WmSpB8rSM=";
        _disks[path] = disk;
        return StartOperation(call, "insert", path, zone, () => disk["status"] = "READY", () => _disks.Remove(path));
    }

    private FakeResult DeleteDisk(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var path = call.RelativePath;
        if (!_disks.TryGetValue(path, out var disk))
        {
            return NotFound(path);
        }

        if (disk["users"] is JsonArray { Count: > 0 } users)
        {
            return GoogleErrorBodies.Compute(400, "resourceInUseByAnotherResource", $"The disk resource '{path}' is already being used by '{users[0]}'");
        }

        disk["status"] = "DELETING";
        return StartOperation(call, "delete", path, call["zone"], () => _disks.Remove(path), failure: null);
    }

    private FakeResult InsertImage(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if ((invalid ?? ValidateNameAndLabels(call.Body!)) is { } refused)
        {
            return refused;
        }

        var (project, body) = (call["project"], call.Body!);
        var path = $"projects/{project}/global/images/{(string)body["name"]!}";
        if (_images.ContainsKey(path))
        {
            return GoogleErrorBodies.Compute(409, "alreadyExists", $"The resource '{path}' already exists");
        }

        if ((string?)body["sourceDisk"] is not { } sourceDisk)
        {
            return Invalid("Invalid value for field 'resource': exactly one of 'rawDisk', 'sourceDisk', 'sourceImage' or 'sourceSnapshot' must be set (this fake supports sourceDisk).");
        }

        var diskPath = Resolve(sourceDisk, project);
        if (!_disks.TryGetValue(diskPath, out var disk))
        {
            return NotFound(diskPath);
        }

        if (disk["users"] is JsonArray { Count: > 0 } users && call.Query.GetValueOrDefault("forceCreate") != "true")
        {
            return GoogleErrorBodies.Compute(400, "resourceInUseByAnotherResource", $"The disk resource '{diskPath}' is already being used by '{users[0]}'");
        }

        if ((string?)disk["status"] != "READY")
        {
            return GoogleErrorBodies.Compute(400, "resourceNotReady", $"The resource '{diskPath}' is not ready");
        }

        var image = (JsonObject)body.DeepClone();
        image["kind"] = "compute#image";
        image["id"] = NextId();
        image["status"] = "PENDING";
        image["sourceDisk"] = LinkBase + diskPath;
        image["sourceDiskId"] = (string?)disk["id"];
        image["diskSizeGb"] = (string?)disk["sizeGb"];
        image["archiveSizeBytes"] = "1073741824";
        image["selfLink"] = LinkBase + path;
        image["creationTimestamp"] = Now.ToString("O");
        _images[path] = image;
        return StartOperation(call, "insert", path, null, () => image["status"] = "READY", () => _images.Remove(path));
    }

    private FakeResult DeleteImage(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var path = call.RelativePath;
        if (!_images.TryGetValue(path, out var image))
        {
            return NotFound(path);
        }

        image["status"] = "DELETING";
        return StartOperation(call, "delete", path, null, () => _images.Remove(path));
    }

    private FakeResult InsertInstance(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if ((invalid ?? ValidateNameAndLabels(call.Body!)) is { } refused)
        {
            return refused;
        }

        var (project, zone, body) = (call["project"], call["zone"], call.Body!);
        var name = (string)body["name"]!;
        var path = $"projects/{project}/zones/{zone}/instances/{name}";
        if (_instances.ContainsKey(path))
        {
            return GoogleErrorBodies.Compute(409, "alreadyExists", $"The resource '{path}' already exists");
        }

        var instance = (JsonObject)body.DeepClone();
        FakeOperationFailure? failure = null;
        var attached = new List<string>();
        foreach (var disk in instance["disks"] as JsonArray ?? [])
        {
            string diskPath;
            if (disk!["initializeParams"] is JsonObject init)
            {
                diskPath = $"projects/{project}/zones/{zone}/disks/{(string?)init["diskName"] ?? name}";
                if (_disks.ContainsKey(diskPath))
                {
                    failure = new FakeOperationFailure("RESOURCE_ALREADY_EXISTS", $"The resource '{diskPath}' already exists", 409);
                    break;
                }

                AddDisk(project, zone, (string?)init["diskName"] ?? name, sizeGb: init["diskSizeGb"] is { } size ? long.Parse(size.ToString(), CultureInfo.InvariantCulture) : 10);
            }
            else
            {
                diskPath = Resolve((string)disk["source"]!, project);
                if (!_disks.TryGetValue(diskPath, out var existing))
                {
                    failure = new FakeOperationFailure("RESOURCE_NOT_FOUND", $"The resource '{diskPath}' was not found", 404);
                    break;
                }

                if (existing["users"] is JsonArray { Count: > 0 } && (string?)disk["mode"] != "READ_ONLY")
                {
                    failure = new FakeOperationFailure("RESOURCE_IN_USE_BY_ANOTHER_RESOURCE", $"The disk resource '{diskPath}' is already being used by '{existing["users"]![0]}'", 400);
                    break;
                }
            }

            disk["source"] = LinkBase + diskPath;
            attached.Add(diskPath);
            var users = _disks[diskPath]["users"] as JsonArray ?? [];
            users.Add(LinkBase + path);
            _disks[diskPath]["users"] = users;
        }

        instance["kind"] = "compute#instance";
        instance["id"] = NextId();
        instance["status"] = "PROVISIONING";
        instance["zone"] = $"{LinkBase}projects/{project}/zones/{zone}";
        instance["selfLink"] = LinkBase + path;
        instance["creationTimestamp"] = Now.ToString("O");
        _instances[path] = instance;
        return StartOperation(
            call,
            "insert",
            path,
            zone,
            () =>
            {
                instance["status"] = "RUNNING";
                _scriptStarted[path] = Now;
            },
            () => RemoveInstance(path),
            failure);
    }

    private FakeResult DeleteInstance(FakeCall call)
    {
        if (TryRepeat(call, out var repeated, out var invalid))
        {
            return repeated;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var path = call.RelativePath;
        if (!_instances.TryGetValue(path, out var instance))
        {
            return NotFound(path);
        }

        instance["status"] = "STOPPING";
        return StartOperation(call, "delete", path, call["zone"], () => RemoveInstance(path));
    }

    // Deleting an instance deletes its autoDelete disks and detaches the others.
    private void RemoveInstance(string path)
    {
        if (!_instances.Remove(path, out var instance))
        {
            return;
        }

        _scriptStarted.Remove(path);
        foreach (var disk in instance["disks"] as JsonArray ?? [])
        {
            if ((string?)disk!["source"] is not { } source || !_disks.TryGetValue(Resolve(source, ""), out var attached))
            {
                continue;
            }

            if ((bool?)disk["autoDelete"] == true)
            {
                _disks.Remove(Resolve(source, ""));
            }
            else if (attached["users"] is JsonArray users)
            {
                foreach (var user in users.Where(u => (string?)u == LinkBase + path).ToList())
                {
                    users.Remove(user);
                }
            }
        }
    }

    private FakeResult SerialPort(FakeCall call)
    {
        var path = call.RelativePath[..^"/serialPort".Length];
        if (!_instances.TryGetValue(path, out var instance))
        {
            return NotFound(path);
        }

        var text = $"SeaBIOS (version 1.8.2)\nBooting from Hard Disk 0...\n[    0.000000] Linux version 6.1.0-28-cloud-amd64\n";
        var hasScript = (instance["metadata"]?["items"] as JsonArray)?.Any(i => (string?)i?["key"] == "startup-script") == true;
        if (hasScript && _scriptStarted.TryGetValue(path, out var started))
        {
            text += "google_metadata_script_runner[512]: Starting startup scripts (version 20240313.00).\n";
            if (Now - started >= BuilderDuration)
            {
                text += BuilderOutcome switch
                {
                    BuilderScriptOutcome.Success => $"google_metadata_script_runner[512]: startup-script: {ImageCacheSentinels.Done}\n",
                    BuilderScriptOutcome.Failure => $"google_metadata_script_runner[512]: startup-script: {ImageCacheSentinels.Failed}: pull docker.io/vllm/vllm-openai:v0.10.1\n",
                    _ => "",
                };
            }
        }

        var start = call.Query.TryGetValue("start", out var s) ? long.Parse(s, CultureInfo.InvariantCulture) : 0;
        start = Math.Clamp(start, 0, text.Length);
        return FakeResult.Ok(new JsonObject
        {
            ["kind"] = "compute#serialPortOutput",
            ["contents"] = text[(int)start..],
            ["start"] = start.ToString(CultureInfo.InvariantCulture),
            ["next"] = text.Length.ToString(CultureInfo.InvariantCulture),
            ["selfLink"] = LinkBase + path + "/serialPort",
        });
    }

    // wait blocks until the operation is DONE or WaitMaxDuration passes, then returns it as it is.
    private async Task<FakeResult> WaitAsync(FakeCall call, CancellationToken cancellationToken)
    {
        var path = call.RelativePath[..^"/wait".Length];

        // Bounded by the wall clock too, so a test clock that stands still cannot hold the call forever.
        var started = Stopwatch.GetTimestamp();
        var until = Now + WaitMaxDuration;
        while (true)
        {
            lock (Host.Gate)
            {
                if (!_operations.TryGetValue(path, out var operation))
                {
                    return NotFound(path);
                }

                operation.Advance(Now, Host.Faults.HoldOperations, SetError);
                if (operation.IsDone || Now >= until || Stopwatch.GetElapsedTime(started) >= WaitMaxDuration)
                {
                    return FakeResult.Ok(operation.Body.DeepClone());
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
        }
    }
}
