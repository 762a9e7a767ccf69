using System.Text.Json.Nodes;

namespace VllmAspire.Publishing.Tests;

/// <summary>Publishes the real AppHost once (as a process) and checks what it wrote.</summary>
public sealed class PublishedAppHost : IAsyncLifetime
{
    public string Output { get; } = Path.Combine(Directory.CreateTempSubdirectory("vllm-aspire-publish-").FullName, "out");

    public (int ExitCode, string Stdout, string Stderr) Result { get; private set; }

    public async ValueTask InitializeAsync() => Result = await AppHostCli.RunAsync(AppHostCli.Parameters, "publish", "-o", Output);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(Output)!, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The tests that read one publish of the real AppHost.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedAppHostCollection : ICollectionFixture<PublishedAppHost>
{
    public const string Name = "published AppHost";
}

[Collection(PublishedAppHostCollection.Name)]
public sealed class AppHostPublishTests(PublishedAppHost published)
{
    [Fact]
    public void Publish_WritesTheGoldenManifestsAndPlan()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Stderr + published.Result.Stdout);
        GoldenFiles.AssertMatches(published.Output, Paths.Golden);
    }

    [Fact]
    public void Kustomization_ListsEveryManifestOnce()
    {
        var kubernetes = Path.Combine(published.Output, "kubernetes");
        var listed = File.ReadAllLines(Path.Combine(kubernetes, "kustomization.yaml")).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        var files = Directory.EnumerateFiles(kubernetes, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public void EveryObject_CarriesTheAppLabels()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(published.Output, "kubernetes"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.True(text.Contains("app.kubernetes.io/part-of: vllm", StringComparison.Ordinal) && text.Contains("app.kubernetes.io/name: ", StringComparison.Ordinal)
                && text.Contains("app.kubernetes.io/managed-by: vllm-aspire", StringComparison.Ordinal), $"{Path.GetFileName(file)} lacks the app.kubernetes.io labels.");
        }
    }

    [Fact]
    public void PlanBodies_PassTheDiscoveryDocuments()
    {
        var steps = PlanAssertions.PassesDiscoveryDocumentsInOrder(Path.Combine(published.Output, "gke-plan.json"));
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "compute.instances.insert");
    }

    [Fact]
    public void NodePool_HasTheImageCacheWithImageStreaming()
    {
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(published.Output, "gke-plan.json")))!;
        var pool = plan["steps"]!.AsArray().Single(s => (string?)s!["apiMethod"] == "container.projects.locations.clusters.nodePools.create")!;
        var config = pool["body"]!["nodePool"]!["config"]!;
        Assert.Equal("CONTAINER_IMAGE_CACHE", (string?)config["secondaryBootDisks"]![0]!["mode"]);
        Assert.Equal("projects/my-project/global/images/gke-image-cache", (string?)config["secondaryBootDisks"]![0]!["diskImage"]);
        Assert.True((bool)config["gcfsConfig"]!["enabled"]!);
        Assert.Equal("1", (string?)config["accelerators"]![0]!["acceleratorCount"]);
        Assert.Equal("LATEST", (string?)config["accelerators"]![0]!["gpuDriverInstallationConfig"]!["gpuDriverVersion"]);
    }
}
