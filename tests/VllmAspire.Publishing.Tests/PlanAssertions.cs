using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>Checks a written gke-plan.json against the discovery documents of reference/discovery and the manifests published beside it.</summary>
internal static class PlanAssertions
{
    /// <summary>
    /// Every step's request passes its API's discovery document, and every edge of the graph names something real: a
    /// step waits for earlier steps, images deploy builds and published Kubernetes objects; the objects that wait for a
    /// step are published.
    /// </summary>
    public static JsonArray PassesDiscoveryDocumentsInOrder(string planPath)
    {
        var documents = new[] { "compute.v1.json", "container.v1.json", "cloudresourcemanager.v1.json" }
            .Select(f => DiscoveryDocument.Load(Path.Combine(Paths.Reference, "discovery", f))).ToList();
        var plan = JsonNode.Parse(File.ReadAllText(planPath))!;
        var steps = plan["steps"]!.AsArray();
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "container.projects.locations.clusters.nodePools.create");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "compute.images.insert");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "cloudresourcemanager.projects.setIamPolicy");
        var images = (plan["containerImages"]?.AsArray() ?? []).Select(i => (string)i!["reference"]!).ToHashSet(StringComparer.Ordinal);
        var objects = PublishedObjects(Path.Combine(Path.GetDirectoryName(planPath)!, "kubernetes"));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var id = (string)step!["id"]!;
            var method = (string)step["apiMethod"]!;
            var document = documents.Single(d => d.MethodIds.Contains(method));
            var problems = document.ValidateRequest(method, (string)step["httpMethod"]!, (string)step["url"]!, step["body"]);
            Assert.True(problems.Count == 0, $"{id}: {string.Join("; ", problems)}");

            // Creation order: every step waited for comes earlier; every image is one deploy builds.
            var dependsOn = step["dependsOn"];
            foreach (var dependency in Strings(dependsOn?["steps"]))
            {
                Assert.True(ids.Contains(dependency), $"{id} depends on {dependency}, which is not an earlier step.");
            }

            foreach (var image in Strings(dependsOn?["containerImages"]))
            {
                Assert.True(images.Contains(image), $"{id} depends on image {image}, which is not among the plan's containerImages.");
            }

            foreach (var key in Keys(dependsOn?["kubernetesObjects"]).Concat(Keys(step["requiredBy"])))
            {
                Assert.True(objects.Contains(key), $"{id} names {key}, which is not a published object.");
            }

            Assert.True(ids.Add(id), $"step id {id} is repeated");
        }

        return steps;
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array?.AsArray().Select(d => (string)d!) ?? [];

    private static IEnumerable<string> Keys(JsonNode? array) =>
        array?.AsArray().Select(o => GkePlanKubernetesObject.KeyOf((string)o!["kind"]!, (string?)o["namespace"], (string)o["name"]!)) ?? [];

    // Every object's key as deploy's stages know it; cluster-scoped kinds are those written without a namespace.
    private static HashSet<string> PublishedObjects(string kubernetes) =>
        Directory.EnumerateFiles(kubernetes, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Select(f => KubernetesYaml.Deserialize<ObjectHeader>(File.ReadAllText(f)))
            .Select(o => GkePlanKubernetesObject.KeyOf(o.Kind, o.Metadata.NamespaceProperty, o.Metadata.Name))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>What every object has: its kind and metadata.</summary>
    private sealed class ObjectHeader : KubernetesObject
    {
        public V1ObjectMeta Metadata { get; set; } = new();
    }
}
