using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>A temporary folder shaped like publish's output: gke-plan.json and kubernetes/.</summary>
internal sealed class PublishedFolder : IDisposable
{
    public PublishedFolder(string? planJson = null)
    {
        Root = Directory.CreateTempSubdirectory("vllm-aspire-published-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "kubernetes"));
        File.WriteAllText(Path.Combine(Root, "gke-plan.json"), planJson ?? Plan.ToJson());
    }

    public static GkePlan Plan { get; } = new()
    {
        Project = "my-project",
        Location = "us-central1",
        Cluster = "vllm-cluster",
        Steps =
        [
            new GkePlanStep
            {
                Id = "gemma-7b-bake-disk",
                Description = "the bake disk",
                ApiMethod = "compute.disks.insert",
                HttpMethod = "POST",
                Url = "https://compute.googleapis.com/compute/v1/projects/my-project/zones/us-central1-a/disks",
                Body = new JsonObject { ["name"] = "gemma-7b-bake", ["labels"] = new JsonObject { ["app"] = "vllm", ["managed-by"] = "vllm-aspire" } },
            },
        ],
    };

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
