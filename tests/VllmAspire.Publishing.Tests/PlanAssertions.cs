using System.Text.Json.Nodes;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>Checks a written gke-plan.json against the discovery documents of reference/discovery.</summary>
internal static class PlanAssertions
{
    /// <summary>Every step's request passes its API's discovery document, and every dependency is an earlier step or a container image deploy builds.</summary>
    public static JsonArray PassesDiscoveryDocumentsInOrder(string planPath)
    {
        var documents = new[] { "compute.v1.json", "container.v1.json", "cloudresourcemanager.v1.json" }
            .Select(f => DiscoveryDocument.Load(Path.Combine(Paths.Reference, "discovery", f))).ToList();
        var plan = JsonNode.Parse(File.ReadAllText(planPath))!;
        var steps = plan["steps"]!.AsArray();
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "container.projects.locations.clusters.nodePools.create");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "compute.images.insert");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "cloudresourcemanager.projects.setIamPolicy");
        // Container images deploy builds (their stages provide the references) come before every step.
        var ids = (plan["containerImages"]?.AsArray() ?? []).Select(i => (string)i!["reference"]!).ToHashSet(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var method = (string)step!["apiMethod"]!;
            var document = documents.Single(d => d.MethodIds.Contains(method));
            var problems = document.ValidateRequest(method, (string)step["httpMethod"]!, (string)step["url"]!, step["body"]);
            Assert.True(problems.Count == 0, $"{step["id"]}: {string.Join("; ", problems)}");

            // Creation order: every dependency on another step comes earlier.
            foreach (var dependency in step["dependsOn"]!.AsArray().Select(d => (string)d!).Where(d => !d.StartsWith("kubernetes/", StringComparison.Ordinal)))
            {
                Assert.True(ids.Contains(dependency), $"{step["id"]} depends on {dependency}, which is not an earlier step.");
            }

            Assert.True(ids.Add((string)step["id"]!), $"step id {step["id"]} is repeated");
        }

        return steps;
    }
}
