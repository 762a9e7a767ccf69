using System.Text.Json;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Testing;
using VllmAspire.Testing.Pipelines;

namespace VllmAspire.Publishing.Tests;

/// <summary>The <c>aspire</c> CLI's <c>publish</c> and <c>do plan</c> on the real AppHost, as users and CI run them.</summary>
public sealed class AspireCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vllm-aspire-cli-").FullName;

    private string AspireHome => Path.Combine(_root, "aspire-home");

    [Fact]
    public async Task Publish_WithoutParameters_ExitsNonZero_NamesEachOnItsOwnLine_AndWritesNothing()
    {
        var output = Path.Combine(_root, "out");

        var (exitCode, text) = await AspirePipelineRun.RunAsync(["publish", "-o", output], AspireHome);

        Assert.True(exitCode != 0, text);
        foreach (var name in TestModel.DefaultParameters.Keys)
        {
            var line = Assert.Single(text.Split('\n'), l => l.Contains($"Parameter '{name}' is missing", StringComparison.Ordinal));
            Assert.Contains($"Parameters__{name}", line, StringComparison.Ordinal);
        }

        Assert.Contains("nothing was written", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), text);
        Assert.Equal([AspireHome], Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task DoPlan_PrintsStartupTimeAndCostPerStorageOption_TheWholeStart_AndTheModelBesideTheSeedsTable()
    {
        var environment = new Dictionary<string, string?> { ["Parameters__gcp-zone"] = "us-central1-a" };

        var (exitCode, text) = await AspirePipelineRun.RunAsync(["do", "plan"], AspireHome, environment, ["--Plan:TargetSeconds=40", "--Plan:PodRequestsPerSecond=2"]);

        Assert.True(exitCode == 0, text);
        // The AppHost loads with the prefetch sidecar: max(6 + 15.7 s, I/O) + 1 s. Within 40 s that makes room for pd-ssd 512 GiB
        // (486 MiB/s: 33.5 s of I/O, 34.5 s, $87) — cheaper than Hyperdisk ML @1200 ($149), which the recipe's serial model needed.
        Assert.Contains("Cheapest within 40.0 s: pd-ssd 512 GiB, RA 4096, 34.5 s, $87/month.", text, StringComparison.Ordinal);
        Assert.Matches(@"\| pd-ssd 2048 GiB, RA 4096\s*\| mmap \+ prefetch sidecar\s*\| 0\.0\s*\| 6\.0\s*\| 15\.7\s*\| 13\.6 \(overlapped\)\s*\| 22\.7\s*\| configured", text);
        Assert.Matches(@"\| pd-ssd 2048 GiB, RA 4096\s*\| 1200\s*\| VM cap \(g2-standard-16\)\s*\| 348\s*\| configured", text);
        Assert.Matches(@"\| PV, 2T pd-ssd, RA1024\s*\| 29\.2\s*\| 29\.3", text);
        Assert.Matches(@"\| bench: PV, 2T pd-ssd, RA128 \+ prefetch sidecar\s*\| 16\.4\s*\| 16\.7", text);
        // The whole start of a scale-out pod for the AppHost (image cache, prefetch sidecar, a new node), and the HPA it implies.
        Assert.Matches(@"\| this model\s*\| 410\.0\s*\| 0\.0\s*\| 10\.0\s*\| 19\.9\s*\| 1\.0\s*\| 19\.0\s*\| 4\.0\s*\| 463\.9", text);
        Assert.Contains("Apply it: .WithAutoscaling(", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_WithTheCompileCacheAndStandbyCapacityOn_WritesSchemaValidObjects_AndTheirPlanSteps()
    {
        var output = Path.Combine(_root, "out");
        var environment = TestModel.DefaultParameters.ToDictionary(p => $"Parameters__{p.Key}", p => (string?)p.Value);

        var (exitCode, text) = await AspirePipelineRun.RunAsync(["publish", "-o", output], AspireHome, environment, ["--Vllm:CompileCache=true", "--Gke:StandbyNodesPerZone=1"]);

        Assert.True(exitCode == 0, text);
        var kubernetes = Path.Combine(output, "kubernetes");
        var files = Directory.EnumerateFiles(kubernetes, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        // The warm-up runs in the bake Job, each pod copies the cache, and the placeholders hold a warm node below every real pod.
        var bake = File.ReadAllText(Assert.Single(files, f => Path.GetFileName(f).StartsWith("job-gemma-7b-", StringComparison.Ordinal)));
        Assert.Contains(VllmCompileCacheManifests.WarmupContainerName, bake, StringComparison.Ordinal);
        Assert.Contains(VllmCompileCacheManifests.CacheRoot, File.ReadAllText(Path.Combine(kubernetes, "deployment-vllm.yaml")), StringComparison.Ordinal);
        Assert.Contains(files, f => Path.GetFileName(f) == "deployment-vllm-pool-standby.yaml");
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("priorityclass-", StringComparison.Ordinal));
        var (valid, problems) = await KubernetesSchemaValidator.ValidateAsync(files);
        Assert.True(valid == 0, problems);
        Assert.Contains($"{files.Count} file(s), 0 problem(s)", problems, StringComparison.Ordinal);
        // The GPU pool comes before what runs on it: the placeholders and, as its warm-up needs a GPU, the bake Job.
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "gke-plan.json")));
        var pool = plan.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "node-pool-vllm-pool");
        var requiredBy = pool.GetProperty("requiredBy").EnumerateArray().Select(o => $"{o.GetProperty("kind").GetString()}/{o.GetProperty("name").GetString()}").ToList();
        Assert.Contains("Deployment/vllm-pool-standby", requiredBy);
        Assert.Contains(requiredBy, o => o.StartsWith("Job/gemma-7b-", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
