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

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
