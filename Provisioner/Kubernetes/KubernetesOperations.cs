using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// What the Kubernetes stages do to a cluster, over KubernetesClient: read, server-side apply (field manager
/// <see cref="FieldManager"/>, forced), delete, list by label, and wait for Jobs, rollouts and claims. Core kinds go
/// through the typed <c>CoreV1</c> calls; kinds of named groups through the generic group/version/plural calls, which
/// serve built-in kinds and custom resources alike. Every failure is a <see cref="ProvisioningException"/> naming the object.
/// </summary>
internal sealed class KubernetesOperations
{
    /// <summary>The field manager of every apply.</summary>
    public const string FieldManager = "vllm-aspire";

    private readonly IKubernetes _client;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="KubernetesOperations"/> class.</summary>
    /// <param name="client">The client (see <see cref="KubernetesClientFactory"/>).</param>
    /// <param name="options">Wait deadlines and poll interval.</param>
    /// <param name="time">The clock waits use.</param>
    public KubernetesOperations(IKubernetes client, KubernetesWaitOptions? options = null, TimeProvider? time = null)
    {
        _client = client;
        Options = options ?? new KubernetesWaitOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets the wait deadlines and poll interval.</summary>
    public KubernetesWaitOptions Options { get; }

    /// <summary>Reads an object.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/> when cluster-scoped.</param>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The object as JSON, or <see langword="null"/> when it does not exist.</returns>
    public async Task<JsonObject?> GetAsync(KubernetesKind kind, string? @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return ToJson(await GetCoreOrGroupAsync(kind, @namespace, name, cancellationToken));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException(ManifestObject.KeyOf(kind, @namespace, name), "get", e);
        }
    }

    /// <summary>Server-side applies an object (field manager <see cref="FieldManager"/>, force).</summary>
    /// <param name="manifest">The object.</param>
    /// <param name="dryRun">Whether the API server only validates and answers what it would store (<c>dryRun=All</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="configuration">What to apply instead of the whole object (e.g. without <c>spec.replicas</c>), or <see langword="null"/>.</param>
    /// <returns>The object the API server stored (or would store).</returns>
    public async Task<JsonObject> ApplyAsync(ManifestObject manifest, bool dryRun, CancellationToken cancellationToken, JsonObject? configuration = null)
    {
        var patch = new V1Patch(configuration?.ToJsonString() ?? KubernetesJson.Serialize(manifest.Object), V1Patch.PatchType.ApplyPatch);
        var kind = manifest.Kind;
        var ns = manifest.Namespace;
        var dry = dryRun ? "All" : null;
        try
        {
            object result = kind.Kind switch
            {
                "Namespace" => await _client.CoreV1.PatchNamespaceAsync(patch, manifest.Name, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                "ServiceAccount" => await _client.CoreV1.PatchNamespacedServiceAccountAsync(patch, manifest.Name, ns, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                "PersistentVolume" => await _client.CoreV1.PatchPersistentVolumeAsync(patch, manifest.Name, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                "PersistentVolumeClaim" => await _client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(patch, manifest.Name, ns, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                "Service" => await _client.CoreV1.PatchNamespacedServiceAsync(patch, manifest.Name, ns, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                _ when kind.IsCore => throw new NotSupportedException($"{kind.Kind} is read-only for the provisioner."),
                _ when kind.Namespaced => await _client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, kind.Group, kind.Version, ns, kind.Plural, manifest.Name, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
                _ => await _client.CustomObjects.PatchClusterCustomObjectAsync(patch, kind.Group, kind.Version, kind.Plural, manifest.Name, dryRun: dry, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            };
            return ToJson(result)!;
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException(manifest.Key, dryRun ? "apply (dry run)" : "apply", e);
        }
    }

    /// <summary>Deletes an object; its dependents (a Job's pods, a Deployment's ReplicaSets) go in the background.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/>.</param>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when it was already gone.</returns>
    public async Task<bool> DeleteAsync(KubernetesKind kind, string? @namespace, string name, CancellationToken cancellationToken)
    {
        const string Propagation = "Background";
        try
        {
            _ = kind.Kind switch
            {
                "Namespace" => await _client.CoreV1.DeleteNamespaceAsync(name, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                "ServiceAccount" => await _client.CoreV1.DeleteNamespacedServiceAccountAsync(name, @namespace, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                "PersistentVolume" => await _client.CoreV1.DeletePersistentVolumeAsync(name, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                "PersistentVolumeClaim" => await _client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(name, @namespace, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                "Service" => await _client.CoreV1.DeleteNamespacedServiceAsync(name, @namespace, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                _ when kind.IsCore => throw new NotSupportedException($"{kind.Kind} is read-only for the provisioner."),
                _ when kind.Namespaced => await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, @namespace, kind.Plural, name, propagationPolicy: Propagation, cancellationToken: cancellationToken),
                _ => (object)await _client.CustomObjects.DeleteClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, name, propagationPolicy: Propagation, cancellationToken: cancellationToken),
            };
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException(ManifestObject.KeyOf(kind, @namespace, name), "delete", e);
        }
    }

    /// <summary>Lists the objects of a kind in every namespace that match a label selector.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="labelSelector">The selector, e.g. <c>app.kubernetes.io/managed-by=vllm-aspire</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The objects as JSON.</returns>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesKind kind, string labelSelector, CancellationToken cancellationToken)
    {
        try
        {
            object list = kind.Kind switch
            {
                "Namespace" => await _client.CoreV1.ListNamespaceAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                "ServiceAccount" => await _client.CoreV1.ListServiceAccountForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                "PersistentVolume" => await _client.CoreV1.ListPersistentVolumeAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                "PersistentVolumeClaim" => await _client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                "Service" => await _client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                "Pod" => await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken),
                _ when kind.IsCore => throw new NotSupportedException($"{kind.Kind} is not listed by the provisioner."),
                _ when kind.Namespaced => await _client.CustomObjects.ListCustomObjectForAllNamespacesAsync(kind.Group, kind.Version, kind.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken),
                _ => await _client.CustomObjects.ListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken),
            };
            return [.. ToJson(list)!["items"]!.AsArray().Select(i => i!.AsObject())];
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException($"kubernetes/{kind.Kind}?labelSelector={labelSelector}", "list", e);
        }
    }

    /// <summary>Lists every object of a kind in one namespace, whatever its labels.</summary>
    /// <param name="kind">The kind (namespaced).</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The objects as JSON.</returns>
    public async Task<IReadOnlyList<JsonObject>> ListInNamespaceAsync(KubernetesKind kind, string @namespace, CancellationToken cancellationToken)
    {
        try
        {
            object list = kind.Kind switch
            {
                "ServiceAccount" => await _client.CoreV1.ListNamespacedServiceAccountAsync(@namespace, cancellationToken: cancellationToken),
                "Secret" => await _client.CoreV1.ListNamespacedSecretAsync(@namespace, cancellationToken: cancellationToken),
                "ConfigMap" => await _client.CoreV1.ListNamespacedConfigMapAsync(@namespace, cancellationToken: cancellationToken),
                "PersistentVolumeClaim" => await _client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(@namespace, cancellationToken: cancellationToken),
                "Service" => await _client.CoreV1.ListNamespacedServiceAsync(@namespace, cancellationToken: cancellationToken),
                "Pod" => await _client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken),
                "Deployment" => await _client.AppsV1.ListNamespacedDeploymentAsync(@namespace, cancellationToken: cancellationToken),
                "ReplicaSet" => await _client.AppsV1.ListNamespacedReplicaSetAsync(@namespace, cancellationToken: cancellationToken),
                "StatefulSet" => await _client.AppsV1.ListNamespacedStatefulSetAsync(@namespace, cancellationToken: cancellationToken),
                "Job" => await _client.BatchV1.ListNamespacedJobAsync(@namespace, cancellationToken: cancellationToken),
                _ when kind.IsCore || !kind.Namespaced => throw new NotSupportedException($"{kind.Kind} is not listed by namespace by the provisioner."),
                _ => await _client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Group, kind.Version, @namespace, kind.Plural, cancellationToken: cancellationToken),
            };
            return [.. ToJson(list)!["items"]!.AsArray().Select(i => i!.AsObject())];
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException($"kubernetes/{kind.Kind}?namespace={@namespace}", "list", e);
        }
    }

    /// <summary>Waits until a deleted object is gone.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/>.</param>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when a read answers 404.</returns>
    public Task WaitUntilGoneAsync(KubernetesKind kind, string? @namespace, string name, CancellationToken cancellationToken) =>
        PollAsync(
            ManifestObject.KeyOf(kind, @namespace, name),
            Options.DeletionTimeout,
            async ct => await GetAsync(kind, @namespace, name, ct) is null ? WaitVerdict.Done : WaitVerdict.Pending("still terminating (finalizers or dependents)"),
            null,
            cancellationToken);

    /// <summary>Waits until a Job completes; a failed Job is a permanent error with the Job's reason.</summary>
    /// <param name="namespace">The Job's namespace.</param>
    /// <param name="name">The Job's name.</param>
    /// <param name="progress">Receives a note on every poll.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The completed Job.</returns>
    public async Task<V1Job> WaitForJobAsync(string @namespace, string name, Action<string>? progress, CancellationToken cancellationToken)
    {
        V1Job? job = null;
        await PollAsync(
            ManifestObject.KeyOf(KubernetesKinds.Job, @namespace, name),
            Options.JobTimeout,
            async ct =>
            {
                job = await ReadAsync(KubernetesKinds.Job, @namespace, name, () => _client.BatchV1.ReadNamespacedJobAsync(name, @namespace, cancellationToken: ct));
                var conditions = job.Status?.Conditions ?? [];
                if (conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
                {
                    throw new ProvisioningException(
                        ManifestObject.KeyOf(KubernetesKinds.Job, @namespace, name),
                        $"Job failed ({failed.Reason}): {failed.Message}",
                        $"read the pod's log with `kubectl logs -n {@namespace} job/{name}`, fix the cause (weights source, bucket access), then deploy again");
                }

                return conditions.Any(c => c.Type == "Complete" && c.Status == "True")
                    ? WaitVerdict.Done
                    : WaitVerdict.Pending($"Job {name}: {job.Status?.Active ?? 0} active, {job.Status?.Succeeded ?? 0} succeeded, {job.Status?.Failed ?? 0} failed");
            },
            progress,
            cancellationToken);
        return job!;
    }

    /// <summary>
    /// Waits until a Deployment's rollout is complete, as <c>kubectl rollout status</c> judges it: the controller saw the
    /// latest generation, every replica runs the new template, no old replica is left and all are available. When the
    /// deadline passes (or the controller reports ProgressDeadlineExceeded) the error says why pods are stuck.
    /// </summary>
    /// <param name="namespace">The Deployment's namespace.</param>
    /// <param name="name">The Deployment's name.</param>
    /// <param name="progress">Receives a note on every poll.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The rolled-out Deployment.</returns>
    public async Task<V1Deployment> WaitForRolloutAsync(string @namespace, string name, Action<string>? progress, CancellationToken cancellationToken)
    {
        var key = ManifestObject.KeyOf(KubernetesKinds.Deployment, @namespace, name);
        V1Deployment? deployment = null;
        try
        {
            await PollAsync(
                key,
                Options.RolloutTimeout,
                async ct =>
                {
                    deployment = await ReadAsync(KubernetesKinds.Deployment, @namespace, name, () => _client.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: ct));
                    var status = deployment.Status;
                    var wanted = deployment.Spec.Replicas ?? 1;
                    if (status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded") is { } exceeded)
                    {
                        throw new RolloutStuckException(exceeded.Message);
                    }

                    if ((status?.ObservedGeneration ?? 0) < (deployment.Metadata.Generation ?? 0))
                    {
                        return WaitVerdict.Pending($"Deployment {name}: waiting for the controller to observe generation {deployment.Metadata.Generation}");
                    }

                    var updated = status?.UpdatedReplicas ?? 0;
                    var total = status?.Replicas ?? 0;
                    var available = status?.AvailableReplicas ?? 0;
                    return updated >= wanted && total <= updated && available >= updated
                        ? WaitVerdict.Done
                        : WaitVerdict.Pending($"Deployment {name}: {updated}/{wanted} updated, {available} available, {total - updated} old");
                },
                progress,
                cancellationToken);
            return deployment!;
        }
        catch (Exception e) when (e is RolloutStuckException or TimeoutException)
        {
            var why = await DescribeStuckPodsAsync(@namespace, deployment, cancellationToken);
            throw new ProvisioningException(
                key,
                $"rollout did not finish: {e.Message}{(why.Length > 0 ? "; " + why : "")}",
                "fix what the pods report (node pool capacity or selectors, image name and registry access, GPU quota), then deploy again",
                e);
        }
    }

    /// <summary>Waits until a PersistentVolumeClaim is bound.</summary>
    /// <param name="namespace">The claim's namespace.</param>
    /// <param name="name">The claim's name.</param>
    /// <param name="progress">Receives a note on every poll.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the claim's phase is <c>Bound</c>.</returns>
    public Task WaitForClaimBoundAsync(string @namespace, string name, Action<string>? progress, CancellationToken cancellationToken) =>
        PollAsync(
            ManifestObject.KeyOf(KubernetesKinds.PersistentVolumeClaim, @namespace, name),
            Options.ClaimBindTimeout,
            async ct =>
            {
                var claim = await ReadAsync(KubernetesKinds.PersistentVolumeClaim, @namespace, name, () => _client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, @namespace, cancellationToken: ct));
                return claim.Status?.Phase == "Bound"
                    ? WaitVerdict.Done
                    : WaitVerdict.Pending($"claim {name} is {claim.Status?.Phase ?? "Pending"} (volume {claim.Spec.VolumeName})");
            },
            progress,
            cancellationToken);

    /// <summary>Lists the pods of a Deployment.</summary>
    /// <param name="deployment">The Deployment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its pods (matching its selector).</returns>
    public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var selector = string.Join(",", (deployment.Spec.Selector.MatchLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"));
        var pods = await ReadAsync(KubernetesKinds.Pod, ns, "", () => _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken));
        return [.. pods.Items];
    }

    /// <summary>Tells whether any pod in a namespace mounts a claim.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="claim">The claim's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether a pod (of any phase but Succeeded or Failed) uses it.</returns>
    public async Task<bool> IsClaimMountedAsync(string @namespace, string claim, CancellationToken cancellationToken)
    {
        var pods = await ReadAsync(KubernetesKinds.Pod, @namespace, "", () => _client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken));
        return pods.Items.Any(p => p.Status?.Phase is not ("Succeeded" or "Failed")
            && (p.Spec.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == claim));
    }

    /// <summary>Lists the events about one pod.</summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events, oldest first.</returns>
    public async Task<IReadOnlyList<Corev1Event>> ListPodEventsAsync(string @namespace, string pod, CancellationToken cancellationToken)
    {
        var events = await ReadAsync(KubernetesKinds.Event, @namespace, pod, () => _client.CoreV1.ListNamespacedEventAsync(
            @namespace, fieldSelector: $"involvedObject.kind=Pod,involvedObject.name={pod}", cancellationToken: cancellationToken));
        return [.. events.Items.Where(e => e.InvolvedObject?.Name == pod).OrderBy(PodStartupReporter.TimeOf)];
    }

    /// <summary>Reads a container's log.</summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="timestamps">Whether kubelet puts each line's RFC 3339 time in front of it (<c>kubectl logs --timestamps</c>).</param>
    /// <returns>The log text, or empty when the container has not started.</returns>
    public async Task<string> ReadLogAsync(string @namespace, string pod, string container, CancellationToken cancellationToken, bool timestamps = false)
    {
        try
        {
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod, @namespace, container: container, timestamps: timestamps, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            // 400: the container is still waiting (ContainerCreating); 404: the pod went away. Either way no log yet.
            return "";
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException(ManifestObject.KeyOf(KubernetesKinds.Pod, @namespace, pod), "read log", e);
        }
    }

    private static async Task<T> ReadAsync<T>(KubernetesKind kind, string? @namespace, string name, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e)
        {
            throw KubernetesApiError.ToProvisioningException(ManifestObject.KeyOf(kind, @namespace, name), "get", e);
        }
    }

    private async Task<object> GetCoreOrGroupAsync(KubernetesKind kind, string? ns, string name, CancellationToken cancellationToken) => kind.Kind switch
    {
        "Namespace" => await _client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken),
        "ServiceAccount" => await _client.CoreV1.ReadNamespacedServiceAccountAsync(name, ns, cancellationToken: cancellationToken),
        "PersistentVolume" => await _client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: cancellationToken),
        "PersistentVolumeClaim" => await _client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns, cancellationToken: cancellationToken),
        "Service" => await _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken),
        "Pod" => await _client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: cancellationToken),
        _ when kind.IsCore => throw new NotSupportedException($"{kind.Kind} is not read by the provisioner."),
        _ when kind.Namespaced => await _client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken),
        _ => await _client.CustomObjects.GetClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, name, cancellationToken),
    };

    private static JsonObject? ToJson(object? value) => value switch
    {
        null => null,
        JsonElement element => JsonNode.Parse(element.GetRawText())?.AsObject(),
        _ => JsonNode.Parse(KubernetesJson.Serialize(value))?.AsObject(),
    };

    private async Task PollAsync(string resource, TimeSpan timeout, Func<CancellationToken, Task<WaitVerdict>> check, Action<string>? progress, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        string? last = null;
        while (true)
        {
            var verdict = await check(cancellationToken);
            if (verdict.IsDone)
            {
                return;
            }

            if (verdict.Note != last)
            {
                last = verdict.Note;
                progress?.Invoke(verdict.Note!);
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"{resource} not ready after {timeout}: {verdict.Note}");
            }

            await Task.Delay(Options.PollInterval, _time, cancellationToken);
        }
    }

    private async Task<string> DescribeStuckPodsAsync(string @namespace, V1Deployment? deployment, CancellationToken cancellationToken)
    {
        if (deployment is null)
        {
            return "";
        }

        var notes = new List<string>();
        foreach (var pod in (await ListPodsAsync(deployment, cancellationToken)).Where(p => !PodStartupReporter.IsReady(p)))
        {
            var name = pod.Metadata.Name;
            var reasons = new List<string>();
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
            {
                reasons.Add($"{unscheduled.Reason}: {unscheduled.Message}");
            }

            // Init containers too: a prefetch sidecar that cannot pull its image keeps vLLM's container waiting (PodInitializing).
            foreach (var (container, kind) in (pod.Status?.InitContainerStatuses ?? []).Select(c => (c, "init container"))
                         .Concat((pod.Status?.ContainerStatuses ?? []).Select(c => (c, "container"))))
            {
                if (container.State?.Waiting is { Reason: not null and not "ContainerCreating" and not "PodInitializing" } waiting)
                {
                    reasons.Add($"{kind} {container.Name} {waiting.Reason}: {waiting.Message}");
                }
            }

            if (reasons.Count == 0)
            {
                var warning = (await ListPodEventsAsync(@namespace, name, cancellationToken)).LastOrDefault(e => e.Type == "Warning");
                reasons.Add(warning is null ? $"phase {pod.Status?.Phase ?? "Pending"}, not ready" : $"{warning.Reason}: {warning.Message}");
            }

            notes.Add($"pod {name}: {string.Join("; ", reasons)}");
        }

        return string.Join("; ", notes);
    }
}
