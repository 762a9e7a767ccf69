using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Stages.Kubernetes;

/// <summary>Finds the GKE plan steps a Kubernetes object needs: the disk behind a volume, the node pool a workload runs on, the IAM grant of its service account.</summary>
/// <param name="plan">The plan.</param>
internal sealed class PlanDependencies(GkePlan plan)
{
    /// <summary>Finds the step that creates the disk a PD CSI volume handle names.</summary>
    /// <param name="volumeHandle">E.g. <c>projects/P/zones/Z/disks/D</c> or <c>projects/P/regions/R/disks/D</c>.</param>
    /// <returns>The step's ID, or <see langword="null"/> when the disk is not the plan's (it exists already).</returns>
    public string? DiskStep(string? volumeHandle)
    {
        var parts = volumeHandle?.Split('/');
        if (parts is not { Length: 6 } || parts[0] != "projects" || parts[4] != "disks")
        {
            return null;
        }

        // The insert URL names the collection (…/projects/P/zones/Z/disks?requestId=…); the body names the disk.
        var collection = $"/projects/{parts[1]}/{parts[2]}/{parts[3]}/disks";
        return plan.Steps.FirstOrDefault(s =>
            s.ApiMethod is "compute.disks.insert" or "compute.regionDisks.insert"
            && new Uri(s.Url).AbsolutePath.EndsWith(collection, StringComparison.Ordinal)
            && (string?)s.Body?["name"] == parts[5])?.Id;
    }

    /// <summary>Finds the step that creates a node pool.</summary>
    /// <param name="pool">The pool's name (a workload's <c>cloud.google.com/gke-nodepool</c> selector).</param>
    /// <returns>The step's ID, or <see langword="null"/>.</returns>
    public string? NodePoolStep(string pool) =>
        plan.Steps.FirstOrDefault(s => s.ApiMethod.EndsWith("nodePools.create", StringComparison.Ordinal) && (string?)s.Body?["nodePool"]?["name"] == pool)?.Id;

    /// <summary>Finds the steps that grant a Kubernetes service account (through Workload Identity) a project role.</summary>
    /// <param name="namespace">The account's namespace.</param>
    /// <param name="serviceAccount">The account's name.</param>
    /// <returns>The step IDs.</returns>
    public IEnumerable<string> GrantSteps(string @namespace, string? serviceAccount)
    {
        if (serviceAccount is null)
        {
            return [];
        }

        // Principal form …/subject/ns/NS/sa/SA, or the older serviceAccount:P.svc.id.goog[NS/SA].
        string[] members = [$"/ns/{@namespace}/sa/{serviceAccount}", $"[{@namespace}/{serviceAccount}]"];
        return plan.Steps
            .Where(s => s.ApiMethod.EndsWith("setIamPolicy", StringComparison.Ordinal) && Members(s.Body).Any(m => members.Any(m.EndsWith)))
            .Select(s => s.Id);
    }

    private static IEnumerable<string> Members(JsonObject? body) =>
        body?["policy"]?["bindings"]?.AsArray().SelectMany(b => b?["members"]?.AsArray() ?? []).Select(m => (string?)m ?? "") ?? [];
}
