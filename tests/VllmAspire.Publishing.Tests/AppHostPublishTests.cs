using System.Text.Json.Nodes;
using VllmAspire.Testing.Pipelines;

namespace VllmAspire.Publishing.Tests;

/// <summary>Publishes the real AppHost once with <c>aspire publish -o DIR</c> and checks what it wrote.</summary>
public sealed class PublishedAppHost : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("vllm-aspire-publish-").FullName;

    public string Output => Path.Combine(_root, "out");

    public string AspireHome => Path.Combine(_root, "aspire-home");

    public (int ExitCode, string Output) Result { get; private set; }

    public async ValueTask InitializeAsync()
    {
        // Parameters as CI passes them (environment variables), and one as a configuration argument after `--`.
        var environment = TestModel.DefaultParameters.Where(p => p.Key != "gcp-project").ToDictionary(p => $"Parameters__{p.Key}", p => (string?)p.Value);
        Result = await AspirePipelineRun.RunAsync(["publish", "-o", Output], AspireHome, environment, ["--Parameters:gcp-project=my-project"]);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
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
    public void Publish_ExitsZero_AndWritesTheGoldenManifestsAndPlan()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        GoldenFiles.AssertMatches(published.Output, Paths.Golden);
        Assert.Contains("Kubernetes: 26 files; apply with kubectl apply -k", published.Result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_NeedsNoContainerRuntime_ItsGraphHasNoBuildStep()
    {
        // Aspire's own container build steps (build-{project}) need Docker; our images are built by deploy with the .NET SDK.
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        Assert.Contains("(publish-gke) ✓", published.Result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(build-", published.Result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("check-container-runtime", published.Result.Output, StringComparison.Ordinal);
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

    [Fact]
    public void TheDeploymentState_HoldsTheFiveGkeParametersAndNoSecret()
    {
        // Aspire saves a published model's parameter values in clear text; only the GKE environment's five may be there.
        var state = Assert.Single(Directory.EnumerateFiles(Path.Combine(published.AspireHome, "deployments"), "*.json", SearchOption.AllDirectories),
            f => Path.GetFileName(f) == "production.json");
        var keys = JsonNode.Parse(File.ReadAllText(state))!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(TestModel.DefaultParameters.Keys.Select(k => $"Parameters:{k}").Order(StringComparer.Ordinal), keys);
    }
}
