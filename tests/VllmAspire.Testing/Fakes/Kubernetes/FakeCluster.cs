using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// The controllers and kubelet of the fake cluster: claims bind to the volume they name, Jobs complete (or fail) after a
/// while, Deployments create pods and roll them (new pods first, old ones removed only when enough are ready), pods get
/// the scheduler's and kubelet's events, a vLLM log, and become Ready after configurable delays.
/// </summary>
public sealed class FakeCluster
{
    private static readonly FakeResourceType Pods = Type("pods");
    private static readonly FakeResourceType Events = Type("events");
    private static readonly FakeResourceType Jobs = Type("jobs");
    private static readonly FakeResourceType Deployments = Type("deployments");
    private static readonly FakeResourceType Claims = Type("persistentvolumeclaims");
    private static readonly FakeResourceType Volumes = Type("persistentvolumes");

    private readonly FakeObjectStore _store;
    private readonly FakeKubernetesOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, PodTimeline> _pods = [];
    private readonly Dictionary<string, DateTimeOffset> _jobStarts = [];
    private readonly Dictionary<string, List<(DateTimeOffset At, string Line)>> _logs = [];
    private readonly Dictionary<string, List<ReadyCountSample>> _readiness = [];
    private readonly HashSet<string> _podNames = [];
    private int _sequence;

    /// <summary>Initializes a new instance of the <see cref="FakeCluster"/> class.</summary>
    /// <param name="store">The API server's store.</param>
    /// <param name="options">Behaviour.</param>
    /// <param name="time">The clock.</param>
    public FakeCluster(FakeObjectStore store, FakeKubernetesOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>Gets the ready-pod count of a Deployment at every change, oldest first.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The Deployment.</param>
    /// <returns>The samples.</returns>
    public IReadOnlyList<ReadyCountSample> ReadyCounts(string @namespace, string name)
    {
        lock (_store.Sync)
        {
            return [.. _readiness.GetValueOrDefault($"{@namespace}/{name}") ?? []];
        }
    }

    /// <summary>Gets a container's log: vLLM's for the pod's first container, the prefetcher's for a native sidecar.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="pod">The pod.</param>
    /// <param name="container">The container (one of the pod's containers or init containers).</param>
    /// <param name="timestamps">Whether each line starts with the RFC 3339 time kubelet received it (<c>?timestamps=true</c>).</param>
    /// <returns>The log, or <see langword="null"/> when the container has not started.</returns>
    public string? Log(string @namespace, string pod, string container, bool timestamps = false)
    {
        lock (_store.Sync)
        {
            return _logs.TryGetValue($"{@namespace}/{pod}/{container}", out var log)
                ? string.Concat(log.Select(l => (timestamps ? l.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z' ", CultureInfo.InvariantCulture) : "") + l.Line + "\n"))
                : null;
        }
    }

    /// <summary>Runs every controller once.</summary>
    public void Step()
    {
        lock (_store.Sync)
        {
            var now = _time.GetUtcNow();
            BindClaims();
            RunJobs(now);
            foreach (var deployment in _store.List(Deployments, null))
            {
                RollDeployment(deployment, now);
            }
        }
    }

    /// <summary>Forgets a deleted pod's lifecycle.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="pod">The pod.</param>
    public void Forget(string @namespace, string pod)
    {
        lock (_store.Sync)
        {
            _pods.Remove($"{@namespace}/{pod}");
        }
    }

    private static FakeResourceType Type(string plural) => FakeResourceType.All.Single(t => t.Plural == plural);

    private static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    private static string Ns(JsonObject o) => (string?)o["metadata"]!["namespace"] ?? "";

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True") == true;

    // A Go time.Duration's String(): 850ms, 1.234s, 1m2.5s.
    private static string GoDuration(TimeSpan d) => d < TimeSpan.FromSeconds(1)
        ? d.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms"
        : d < TimeSpan.FromMinutes(1)
            ? d.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s"
            : $"{(int)d.TotalMinutes}m{(d.TotalSeconds % 60).ToString("0.#########", CultureInfo.InvariantCulture)}s";

    private static int Scaled(JsonNode? value, int replicas, bool roundUp)
    {
        var text = value?.ToString() ?? "25%";
        if (!text.EndsWith('%'))
        {
            return int.Parse(text, CultureInfo.InvariantCulture);
        }

        var share = double.Parse(text[..^1], CultureInfo.InvariantCulture) / 100 * replicas;
        return roundUp ? (int)Math.Ceiling(share) : (int)Math.Floor(share);
    }

    private void BindClaims()
    {
        foreach (var claim in _store.List(Claims, null).Where(c => (string?)c["status"]?["phase"] != "Bound"))
        {
            var volumeName = (string?)claim["spec"]?["volumeName"];
            if (volumeName is null || _store.Get(Volumes, "", volumeName) is not { } volume)
            {
                continue;
            }

            var claimRef = volume.Object["spec"]?["claimRef"];
            if (claimRef is not null && ((string?)claimRef["name"] != Name(claim) || (string?)claimRef["namespace"] != Ns(claim)))
            {
                continue;
            }

            var pv = volume.Object.DeepClone().AsObject();
            pv["status"] = new JsonObject { ["phase"] = "Bound" };
            _store.Put(Volumes, pv);
            claim["status"] = new JsonObject
            {
                ["phase"] = "Bound",
                ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone(),
                ["capacity"] = pv["spec"]?["capacity"]?.DeepClone(),
            };
            _store.Put(Claims, claim);
        }
    }

    private void RunJobs(DateTimeOffset now)
    {
        foreach (var job in _store.List(Jobs, null))
        {
            var conditions = job["status"]?["conditions"]?.AsArray();
            if (conditions?.Any(c => (string?)c!["type"] is "Complete" or "Failed") == true)
            {
                continue;
            }

            var key = $"{Ns(job)}/{Name(job)}/{(string?)job["metadata"]!["uid"]}";
            if (!_jobStarts.TryGetValue(key, out var started))
            {
                _jobStarts[key] = started = now;
                job["status"] = new JsonObject { ["startTime"] = ServerSideApply.Timestamp(now), ["active"] = 1, ["ready"] = 0 };
                _store.Put(Jobs, job);
                continue;
            }

            if (now - started < _options.JobDuration)
            {
                continue;
            }

            var stamp = ServerSideApply.Timestamp(now);
            if (_options.FailingJobs.Contains($"{Ns(job)}/{Name(job)}"))
            {
                var backoffLimit = (int?)job["spec"]?["backoffLimit"] ?? 6;
                job["status"] = new JsonObject
                {
                    ["startTime"] = ServerSideApply.Timestamp(started),
                    ["failed"] = backoffLimit + 1,
                    ["conditions"] = new JsonArray(
                        Condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", stamp),
                        Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", stamp)),
                };
                AddEvent(job, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller", now);
            }
            else
            {
                job["status"] = new JsonObject
                {
                    ["startTime"] = ServerSideApply.Timestamp(started),
                    ["completionTime"] = stamp,
                    ["succeeded"] = 1,
                    ["conditions"] = new JsonArray(
                        Condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", stamp),
                        Condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", stamp)),
                };
                AddEvent(job, "Normal", "Completed", "Job completed", "job-controller", now);
            }

            _store.Put(Jobs, job);
        }
    }

    private static JsonObject Condition(string type, string? reason, string? message, string stamp, string status = "True") => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["lastProbeTime"] = stamp,
        ["lastTransitionTime"] = stamp,
    };

    private void RollDeployment(JsonObject deployment, DateTimeOffset now)
    {
        var ns = Ns(deployment);
        var uid = (string)deployment["metadata"]!["uid"]!;
        var spec = deployment["spec"]!;
        var replicas = (int?)spec["replicas"] ?? 1;
        var template = spec["template"]!.AsObject();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10];
        var maxSurge = Scaled(spec["strategy"]?["rollingUpdate"]?["maxSurge"], replicas, roundUp: true);
        var maxUnavailable = Scaled(spec["strategy"]?["rollingUpdate"]?["maxUnavailable"], replicas, roundUp: false);
        if (maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1;
        }

        var pods = _store.List(Pods, ns).Where(p => p["metadata"]?["ownerReferences"]?.AsArray().Any(o => (string?)o!["uid"] == uid) == true).ToList();
        foreach (var pod in pods)
        {
            AdvancePod(pod, now);
        }

        pods = [.. pods.Select(p => _store.Get(Pods, ns, Name(p))!.Object)];
        var fresh = pods.Where(p => (string?)p["metadata"]!["labels"]?["pod-template-hash"] == hash).ToList();
        var old = pods.Except(fresh).ToList();
        var ready = pods.Count(IsReady);

        // Old pods that serve nothing can go at once; ready ones only while enough pods stay ready.
        foreach (var pod in old.Where(p => !IsReady(p)).ToList())
        {
            DeletePod(pod);
            old.Remove(pod);
        }

        foreach (var pod in old.ToList())
        {
            if (ready - 1 < replicas - maxUnavailable)
            {
                break;
            }

            DeletePod(pod);
            old.Remove(pod);
            ready--;
        }

        while (fresh.Count < replicas && fresh.Count + old.Count < replicas + maxSurge)
        {
            fresh.Add(CreatePod(deployment, template, hash, now));
        }

        foreach (var extra in fresh.OrderBy(IsReady).Take(Math.Max(0, fresh.Count - replicas)).ToList())
        {
            DeletePod(extra);
            fresh.Remove(extra);
        }

        var total = fresh.Count + old.Count;
        ready = fresh.Count(IsReady) + old.Count(IsReady);
        var samples = _readiness.TryGetValue($"{ns}/{Name(deployment)}", out var list) ? list : _readiness[$"{ns}/{Name(deployment)}"] = [];
        if (samples.Count == 0 || samples[^1].Ready != ready || samples[^1].Total != total)
        {
            samples.Add(new ReadyCountSample(now, ready, total));
        }

        var complete = fresh.Count == replicas && old.Count == 0 && fresh.All(IsReady);
        var stamp = ServerSideApply.Timestamp(now);
        var status = new JsonObject
        {
            ["observedGeneration"] = deployment["metadata"]!["generation"]?.DeepClone(),
            ["replicas"] = total,
            ["updatedReplicas"] = fresh.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["unavailableReplicas"] = Math.Max(0, total - ready),
        };
        var previous = deployment["status"]?["conditions"]?.AsArray();
        status["conditions"] = new JsonArray(
            KeepTime(Condition("Available", ready >= replicas - maxUnavailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", ready >= replicas - maxUnavailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", stamp, ready >= replicas - maxUnavailable ? "True" : "False"), previous),
            KeepTime(Condition("Progressing", complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", complete ? $"ReplicaSet \"{Name(deployment)}-{hash}\" has successfully progressed." : $"ReplicaSet \"{Name(deployment)}-{hash}\" is progressing.", stamp), previous));
        if (!JsonNode.DeepEquals(status, deployment["status"]))
        {
            deployment["status"] = status;
            _store.Put(Deployments, deployment);
        }
    }

    // A condition keeps its transition time while its status and reason stay the same, so status does not churn.
    private static JsonObject KeepTime(JsonObject condition, JsonArray? previous)
    {
        var before = previous?.FirstOrDefault(c => (string?)c!["type"] == (string?)condition["type"]);
        if (before is not null && (string?)before["status"] == (string?)condition["status"] && (string?)before["reason"] == (string?)condition["reason"])
        {
            condition["lastTransitionTime"] = before["lastTransitionTime"]?.DeepClone();
            condition["lastProbeTime"] = before["lastProbeTime"]?.DeepClone();
        }

        return condition;
    }

    private JsonObject CreatePod(JsonObject deployment, JsonObject template, string hash, DateTimeOffset now)
    {
        var ns = Ns(deployment);
        var name = NewPodName($"{Name(deployment)}-{hash}-");
        var labels = template["metadata"]?["labels"]?.DeepClone().AsObject() ?? [];
        labels["pod-template-hash"] = hash;
        var containers = template["spec"]!["containers"]!.AsArray();
        var initContainers = template["spec"]!["initContainers"]?.AsArray() ?? [];
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["labels"] = labels,
                ["creationTimestamp"] = ServerSideApply.Timestamp(now),
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["name"] = Name(deployment),
                    ["uid"] = deployment["metadata"]!["uid"]!.DeepClone(),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = template["spec"]!.DeepClone(),
            ["status"] = new JsonObject
            {
                ["phase"] = "Pending",
                ["conditions"] = new JsonArray(),
                ["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)WaitingStatus(c!, "ContainerCreating"))]),
            },
        };
        if (initContainers.Count > 0)
        {
            pod["status"]!["initContainerStatuses"] = new JsonArray([.. initContainers.Select(c => (JsonNode)WaitingStatus(c!, "PodInitializing"))]);
        }

        _store.Put(Pods, pod);
        _pods[$"{ns}/{name}"] = new PodTimeline(now);
        return pod;
    }

    // As the ReplicaSet controller's generateName: five random characters from apimachinery's rand alphabet (no vowels,
    // no look-alikes), so pods of separate fakes do not share names as a per-fake counter's would. A name this fake has
    // used before is not given again (its events would mix with the new pod's).
    private string NewPodName(string prefix)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        string name;
        do
        {
            name = prefix + new string(Random.Shared.GetItems(Alphabet.AsSpan(), 5));
        }
        while (!_podNames.Add(name));

        return name;
    }

    private static JsonObject WaitingStatus(JsonNode container, string reason) => new()
    {
        ["name"] = container["name"]!.DeepClone(),
        ["image"] = container["image"]!.DeepClone(),
        ["imageID"] = "",
        ["ready"] = false,
        ["restartCount"] = 0,
        ["started"] = false,
        ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason } },
    };

    private void DeletePod(JsonObject pod)
    {
        _store.Remove(Pods, Ns(pod), Name(pod));
        _pods.Remove($"{Ns(pod)}/{Name(pod)}");
    }

    private void AdvancePod(JsonObject pod, DateTimeOffset now)
    {
        var key = $"{Ns(pod)}/{Name(pod)}";
        if (!_pods.TryGetValue(key, out var timeline))
        {
            return;
        }

        var container = pod["spec"]!["containers"]![0]!;
        var image = (string)container["image"]!;
        var containerName = (string)container["name"]!;
        var status = pod["status"]!.AsObject();
        var changed = false;
        if (_options.WaitForNewNode && !timeline.ScaleUpRequested && timeline.Scheduled is null)
        {
            // No node fits until the cluster autoscaler adds one: the scheduler says so, the autoscaler triggers a scale-up.
            timeline.ScaleUpRequested = true;
            AddEvent(pod, "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", "default-scheduler", timeline.Created);
            AddEvent(pod, "Normal", "TriggeredScaleUp", $"pod triggered scale-up: [{{https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/instanceGroups/{_options.NodeName[..^5]}-grp 1->2 (max: 5)}}]", "cluster-autoscaler", timeline.Created);
            changed = true;
        }

        if (timeline.Scheduled is null && !timeline.Unschedulable && now >= timeline.Created + _options.ScheduleDelay)
        {
            if (_options.Unschedulable)
            {
                timeline.Unschedulable = true;
                const string Message = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
                status["conditions"]!.AsArray().Add(Condition("PodScheduled", "Unschedulable", Message, ServerSideApply.Timestamp(now), "False"));
                AddEvent(pod, "Warning", "FailedScheduling", Message, "default-scheduler", now);
            }
            else
            {
                timeline.Scheduled = now;
                pod["spec"]!["nodeName"] = _options.NodeName;
                status["conditions"]!.AsArray().Add(Condition("PodScheduled", null, null, ServerSideApply.Timestamp(now)));
                AddEvent(pod, "Normal", "Scheduled", $"Successfully assigned {Ns(pod)}/{Name(pod)} to {_options.NodeName}", "default-scheduler", now);
                timeline.InitBlocked = !RunInitContainers(pod, key, now);
            }

            changed = true;
        }

        if (timeline.Scheduled is not null && !timeline.InitBlocked && timeline.PullStarted is null && timeline.Pulled is null)
        {
            if (_options.ImageAlreadyPresent)
            {
                timeline.Pulled = now;
                AddEvent(pod, "Normal", "Pulled", $"Container image \"{image}\" already present on machine", "kubelet", now, containerName);
            }
            else
            {
                timeline.PullStarted = now;
                AddEvent(pod, "Normal", "Pulling", $"Pulling image \"{image}\"", "kubelet", now, containerName);
            }
        }

        if (timeline.PullStarted is { } pullStarted && timeline.Pulled is null && !timeline.PullFailed && now >= pullStarted + _options.PullDuration)
        {
            if (_options.ImagePullFails)
            {
                timeline.PullFailed = true;
                var message = $"Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/{image}\": failed to resolve reference \"docker.io/{image}\": docker.io/{image}: not found";
                AddEvent(pod, "Warning", "Failed", message, "kubelet", now, containerName);
                status["containerStatuses"]![0]!["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ErrImagePull", ["message"] = message } };
                changed = true;
            }
            else
            {
                timeline.Pulled = now;
                var took = GoDuration(_options.PullDuration);
                AddEvent(pod, "Normal", "Pulled", $"Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: 10460512304 bytes.", "kubelet", now, containerName);
            }
        }

        if (timeline.Pulled is not null && timeline.Started is null)
        {
            timeline.Started = now;
            AddEvent(pod, "Normal", "Created", $"Created container: {containerName}", "kubelet", now, containerName);
            AddEvent(pod, "Normal", "Started", $"Started container {containerName}", "kubelet", now, containerName);
            status["phase"] = "Running";
            foreach (var containerStatus in status["containerStatuses"]!.AsArray())
            {
                containerStatus!["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ServerSideApply.Timestamp(now) } };
                containerStatus["started"] = true;
            }

            _logs[$"{key}/{containerName}"] = [(now, VllmLine(now, VllmStartupLog.ServerVersion(VllmVersion)))];
            changed = true;
        }

        if (timeline.Started is { } started && timeline.Ready is null && now >= started + _options.ReadyDelay)
        {
            timeline.Ready = now;
            // vLLM 0.10.1's start after the weights, written with the one grammar (the durations are the options', the times the fake's).
            var log = _logs[$"{key}/{containerName}"];
            var o = _options;
            VllmLogMessage[] lines =
            [
                VllmStartupLog.WeightsLoaded(o.WeightLoadSeconds),
                VllmStartupLog.ModelLoaded(VllmVersion, o.WeightGib, o.WeightLoadSeconds + 0.6),
                VllmStartupLog.CompileCacheDirectory("/root/.cache/vllm/torch_compile_cache/0123456789/rank_0_0/backbone"),
                VllmStartupLog.DynamoTransform(o.CompileSeconds * 0.3),
                o.CompileCacheHit ? VllmStartupLog.CompileCacheHit(o.CompileSeconds * 0.7) : VllmStartupLog.GraphCompiled(VllmVersion, o.CompileSeconds * 0.7),
                VllmStartupLog.CompileFinished(o.CompileSeconds),
                VllmStartupLog.GraphCaptureFinished(VllmVersion, o.GraphCaptureSeconds, 0.49),
                VllmStartupLog.EngineInitialized(VllmVersion, o.CompileSeconds + o.GraphCaptureSeconds + 1, o.CompileSeconds),
                VllmStartupLog.ApiServerStarting(VllmVersion, "http://0.0.0.0:8000"),
                VllmStartupLog.ApplicationStartupComplete(),
            ];
            log.AddRange(lines.Select(l => (now, VllmLine(now, l))));
            var stamp = ServerSideApply.Timestamp(now);
            status["conditions"]!.AsArray().Add(Condition("ContainersReady", null, null, stamp));
            status["conditions"]!.AsArray().Add(Condition("Ready", null, null, stamp));
            foreach (var containerStatus in status["containerStatuses"]!.AsArray())
            {
                containerStatus!["ready"] = true;
            }

            changed = true;
        }

        if (changed)
        {
            _store.Put(Pods, pod);
        }
    }

    // Kubelet runs init containers in order before the pod's containers: a regular one to completion, a native sidecar
    // (restartPolicy Always) only until it has started, after which it keeps running beside them and counts towards
    // the pod's readiness (ready once started, as it has no readiness probe here). The sidecar's image is pulled first,
    // so its Pulling/Pulled/Started events come before the vLLM container's.
    // Returns whether they all started (or completed); the pod's containers wait otherwise.
    private bool RunInitContainers(JsonObject pod, string key, DateTimeOffset now)
    {
        var status = pod["status"]!.AsObject();
        var stamp = ServerSideApply.Timestamp(now);
        foreach (var init in pod["spec"]!["initContainers"]?.AsArray() ?? [])
        {
            var name = (string)init!["name"]!;
            var image = (string)init["image"]!;
            var fieldPath = $"spec.initContainers{{{name}}}";
            var containerStatus = status["initContainerStatuses"]!.AsArray().Single(c => (string?)c!["name"] == name)!;
            if (_options.InitImagePullFails)
            {
                var message = $"Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found";
                AddEvent(pod, "Normal", "Pulling", $"Pulling image \"{image}\"", "kubelet", now, fieldPath);
                AddEvent(pod, "Warning", "Failed", message, "kubelet", now, fieldPath);
                containerStatus["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ErrImagePull", ["message"] = message } };
                return false;
            }

            if (_options.ImageAlreadyPresent)
            {
                AddEvent(pod, "Normal", "Pulled", $"Container image \"{image}\" already present on machine", "kubelet", now, fieldPath);
            }
            else
            {
                AddEvent(pod, "Normal", "Pulling", $"Pulling image \"{image}\"", "kubelet", now, fieldPath);
                AddEvent(pod, "Normal", "Pulled", $"Successfully pulled image \"{image}\" in 250ms (250ms including waiting). Image size: 104857600 bytes.", "kubelet", now, fieldPath);
            }

            AddEvent(pod, "Normal", "Created", $"Created container: {name}", "kubelet", now, fieldPath);
            AddEvent(pod, "Normal", "Started", $"Started container {name}", "kubelet", now, fieldPath);
            var sidecar = (string?)init["restartPolicy"] == "Always";
            containerStatus["started"] = sidecar;
            containerStatus["ready"] = true;
            containerStatus["state"] = sidecar
                ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = stamp } }
                : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = stamp, ["finishedAt"] = stamp } };
            _logs[$"{key}/{name}"] = [(now, sidecar
                ? $"prefetch: reading {init["args"]?[1] ?? "/models"} with 16 readers"
                : $"{name}: done")];
        }

        status["conditions"]!.AsArray().Add(Condition("Initialized", null, null, stamp));
        return true;
    }

    /// <summary>The vLLM release the fake's pods log as.</summary>
    private static readonly VllmVersion VllmVersion = new(0, 10, 1, "0.10.1");

    private static string VllmLine(DateTimeOffset at, VllmLogMessage message) => VllmLogLine.Format(VllmVersion, "INFO", at.UtcDateTime, message, 1);

    // container: a container's name (spec.containers{name}) or a field path such as spec.initContainers{name}.
    private void AddEvent(JsonObject subject, string type, string reason, string message, string component, DateTimeOffset now, string? container = null)
    {
        var stamp = ServerSideApply.Timestamp(now);
        var ev = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Name(subject)}.{(++_sequence).ToString("x16", CultureInfo.InvariantCulture)}",
                ["namespace"] = Ns(subject),
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = stamp,
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = (string?)subject["apiVersion"],
                ["kind"] = (string?)subject["kind"],
                ["namespace"] = Ns(subject),
                ["name"] = Name(subject),
                ["uid"] = subject["metadata"]!["uid"]?.DeepClone(),
                ["fieldPath"] = container is null ? null : container.StartsWith("spec.", StringComparison.Ordinal) ? container : $"spec.containers{{{container}}}",
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component, ["host"] = component == "kubelet" ? _options.NodeName : null },
            ["firstTimestamp"] = stamp,
            ["lastTimestamp"] = stamp,
            ["count"] = 1,
            ["type"] = type,
            ["reportingComponent"] = component,
            ["reportingInstance"] = component == "kubelet" ? _options.NodeName : "",
        };
        _store.Put(Events, ev);
    }
}
