using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

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
    private readonly Dictionary<string, StringBuilder> _logs = [];
    private readonly Dictionary<string, List<ReadyCountSample>> _readiness = [];
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

    /// <summary>Gets a container's log (the fake keeps one log per pod, its first container's).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="pod">The pod.</param>
    /// <returns>The log, or <see langword="null"/> when the container has not started.</returns>
    public string? Log(string @namespace, string pod)
    {
        lock (_store.Sync)
        {
            return _logs.TryGetValue($"{@namespace}/{pod}", out var log) ? log.ToString() : null;
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
        var name = $"{Name(deployment)}-{hash}-{(++_sequence).ToString("x5", CultureInfo.InvariantCulture)}";
        var labels = template["metadata"]?["labels"]?.DeepClone().AsObject() ?? [];
        labels["pod-template-hash"] = hash;
        var containers = template["spec"]!["containers"]!.AsArray();
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
                ["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c!["name"]!.DeepClone(),
                    ["image"] = c["image"]!.DeepClone(),
                    ["imageID"] = "",
                    ["ready"] = false,
                    ["restartCount"] = 0,
                    ["started"] = false,
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
                })]),
            },
        };
        _store.Put(Pods, pod);
        _pods[$"{ns}/{name}"] = new PodTimeline(now);
        return pod;
    }

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
            }

            changed = true;
        }

        if (timeline.Scheduled is not null && timeline.PullStarted is null && timeline.Pulled is null)
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

            _logs[key] = new StringBuilder().Append(VllmLine(now, "api_server.py:1805", "vLLM API server version 0.10.1"));
            changed = true;
        }

        if (timeline.Started is { } started && timeline.Ready is null && now >= started + _options.ReadyDelay)
        {
            timeline.Ready = now;
            var log = _logs[key];
            log.Append(VllmLine(now, "default_loader.py:262", string.Create(CultureInfo.InvariantCulture, $"Loading weights took {_options.WeightLoadSeconds:0.00} seconds")));
            log.Append(VllmLine(now, "gpu_model_runner.py:1892", string.Create(CultureInfo.InvariantCulture, $"Model loading took {_options.WeightGib:0.0000} GiB and {_options.WeightLoadSeconds + 0.6:0.000000} seconds")));
            log.Append(VllmLine(now, "launcher.py:29", "Starting vLLM API server 0 on http://0.0.0.0:8000"));
            log.Append("INFO:     Application startup complete.\n");
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

    private static string VllmLine(DateTimeOffset at, string source, string message) =>
        $"INFO {at.UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} [{source}] {message}\n";

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
                ["fieldPath"] = container is null ? null : $"spec.containers{{{container}}}",
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
