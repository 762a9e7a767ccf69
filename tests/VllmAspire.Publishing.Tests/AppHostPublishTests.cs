using System.Text.Json.Nodes;
using VllmAspire.Testing;

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
        var actual = Directory.EnumerateFiles(published.Output, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(published.Output, f).Replace('\\', '/'), File.ReadAllText);

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(Paths.Golden))
            {
                Directory.Delete(Paths.Golden, recursive: true);
            }

            foreach (var (file, text) in actual)
            {
                var path = Path.Combine(Paths.Golden, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
        }

        var expected = Directory.EnumerateFiles(Paths.Golden, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Paths.Golden, f).Replace('\\', '/'), File.ReadAllText);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, text) in expected)
        {
            Assert.True(text == actual[file], $"{file} differs from its golden copy; run with UPDATE_GOLDEN=1 to accept the new output and review the diff.");
        }
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
        var documents = new[] { "compute.v1.json", "container.v1.json", "cloudresourcemanager.v1.json" }
            .Select(f => DiscoveryDocument.Load(Path.Combine(Paths.Reference, "discovery", f))).ToList();
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(published.Output, "gke-plan.json")))!;
        var steps = plan["steps"]!.AsArray();
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "container.projects.locations.clusters.nodePools.create");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "compute.images.insert");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "compute.instances.insert");
        Assert.Contains(steps, s => (string?)s!["apiMethod"] == "cloudresourcemanager.projects.setIamPolicy");
        var ids = new HashSet<string>(StringComparer.Ordinal);
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
