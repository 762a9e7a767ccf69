using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Kubernetes;

namespace VllmAspire.Provisioner.Stages.Kubernetes;

/// <summary>
/// The weights claims and volumes a model update leaves behind (issue #5 item 3): ours by label, of the weights
/// component, not in the published manifests any more, and mounted by no pod. A workload stage deletes them only after
/// its rollout is healthy, so serving pods never lose their volume; the plan's disk stage can then delete the old disks.
/// </summary>
/// <param name="selector">Our labels for weights claims, e.g. <c>app.kubernetes.io/managed-by=vllm-aspire,app.kubernetes.io/part-of=vllm,app.kubernetes.io/component=weights</c>.</param>
/// <param name="current">The claims the manifests publish now, as <c>kubernetes/PersistentVolumeClaim/ns/name</c>.</param>
internal sealed class RetiredVolumes(string selector, IReadOnlySet<string> current)
{
    /// <summary>Lists the retired claims and their volumes, without deleting anything.</summary>
    /// <param name="operations">The cluster.</param>
    /// <param name="ignoreMounts">Whether to list claims that pods still mount (a dry run, before the rollout moves them).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The claims that no pod mounts, each with the volume bound to it (if ours).</returns>
    public async Task<IReadOnlyList<(ManifestKey Claim, ManifestKey? Volume)>> FindAsync(KubernetesOperations operations, bool ignoreMounts, CancellationToken cancellationToken)
    {
        var found = new List<(ManifestKey, ManifestKey?)>();
        foreach (var claim in await operations.ListAsync(KubernetesKinds.PersistentVolumeClaim, selector, cancellationToken))
        {
            var ns = (string)claim["metadata"]!["namespace"]!;
            var name = (string)claim["metadata"]!["name"]!;
            if (current.Contains(ManifestObject.KeyOf(KubernetesKinds.PersistentVolumeClaim, ns, name)) || (!ignoreMounts && await operations.IsClaimMountedAsync(ns, name, cancellationToken)))
            {
                continue;
            }

            var volumeName = (string?)claim["spec"]?["volumeName"];
            var volume = volumeName is null ? null : await operations.GetAsync(KubernetesKinds.PersistentVolume, null, volumeName, cancellationToken);
            found.Add((new ManifestKey(KubernetesKinds.PersistentVolumeClaim, ns, name), volume is not null && IsOurs(volume) ? new ManifestKey(KubernetesKinds.PersistentVolume, null, volumeName!) : null));
        }

        return found;
    }

    /// <summary>Deletes the retired claims and their volumes and waits until they are gone.</summary>
    /// <param name="operations">The cluster.</param>
    /// <param name="progress">Receives a note per deletion.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was deleted, as <c>kubernetes/Kind/…</c> names.</returns>
    public async Task<IReadOnlyList<string>> DeleteUnusedAsync(KubernetesOperations operations, Action<string> progress, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        foreach (var (claim, volume) in await FindAsync(operations, ignoreMounts: false, cancellationToken))
        {
            foreach (var key in volume is null ? [claim] : new[] { claim, volume })
            {
                progress($"deleting the replaced {key}");
                await operations.DeleteAsync(key.Kind, key.Namespace, key.Name, cancellationToken);
                await operations.WaitUntilGoneAsync(key.Kind, key.Namespace, key.Name, cancellationToken);
                deleted.Add(key.ToString());
            }
        }

        return deleted;
    }

    private static bool IsOurs(JsonObject live) =>
        (string?)live["metadata"]?["labels"]?["app.kubernetes.io/managed-by"] == KubernetesOperations.FieldManager;
}
