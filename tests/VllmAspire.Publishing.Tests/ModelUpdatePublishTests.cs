using System.Text.Json;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Publishing.Tests;

/// <summary>
/// The plan after a model update: the AppHost's model with a new weights revision and a new image-cache image. Its
/// golden copy is what the GCP stage tests deploy after the main golden plan, so both come from the real publisher.
/// </summary>
public sealed class ModelUpdatePublishTests
{
    [Fact]
    public void Publish_WritesTheGoldenPlan_WithNewWeightsCacheAndPoolNames_AndTheSameStepsForTheRest()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("vllm-aspire-model-update-").FullName, "out");
        try
        {
            using var app = new TestModel { ImageCacheName = "gke-image-cache-v2", WeightsRevision = "v2" }.Build();
            var problems = app.Publish(output).Problems;
            Assert.True(problems.Count == 0, string.Join('\n', problems));

            // Only the plan is kept: the GCP stages read it.
            Directory.Delete(Path.Combine(output, "kubernetes"), recursive: true);
            GoldenFiles.AssertMatches(output, Paths.GoldenModelUpdate);

            var before = Read(Paths.Golden);
            var after = Read(Paths.GoldenModelUpdate);
            // Every disk, image, VM and pool is new, so deploy creates them beside the old ones and prune deletes the old.
            Assert.Empty(Names(before).Intersect(Names(after)));
            Assert.Equal(before.Steps.Count, after.Steps.Count);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    private static GkePlan Read(string folder) => JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(folder, "gke-plan.json")))!;

    private static IEnumerable<string> Names(GkePlan plan) =>
        plan.Steps.Select(s => (string?)s.Body?["name"] ?? (string?)s.Body?["nodePool"]?["name"]).OfType<string>();
}
