namespace VllmAspire.Publishing.Tests;

public sealed class AppHostCliTests
{
    [Fact]
    public async Task Publish_WithoutParameters_ExitsTwoNamesEachAndWritesNothing()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-publish-").FullName;
        var output = Path.Combine(root, "out");
        try
        {
            var (exitCode, _, stderr) = await AppHostCli.RunAsync(parameters: null, "publish", "--output-path", output);
            Assert.Equal(2, exitCode);
            foreach (var name in AppHostCli.Parameters.Keys)
            {
                Assert.Contains($"Parameter '{name}' is missing", stderr, StringComparison.Ordinal);
                Assert.Contains($"Parameters__{name}", stderr, StringComparison.Ordinal);
            }

            Assert.False(Directory.Exists(output));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Publish_AcceptsParametersAsConfigurationOverrides_AndRejectsUnknownArguments()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-publish-").FullName;
        try
        {
            var overrides = AppHostCli.Parameters.Select(p => $"--Parameters:{p.Key}={p.Value}").ToArray();
            // Overrides go before -o: the host's command-line configuration reads a following "/path" as a key of its own.
            var ok = await AppHostCli.RunAsync(null, ["publish", .. overrides, "-o", Path.Combine(root, "a")]);
            Assert.True(ok.ExitCode == 0, ok.Stderr);
            Assert.True(File.Exists(Path.Combine(root, "a", "gke-plan.json")));

            var bad = await AppHostCli.RunAsync(AppHostCli.Parameters, "publish", "-o", Path.Combine(root, "b"), "--outptu", "x");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("'--outptu'", bad.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(root, "b")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task PlanExplainSeed_PrintsMeasuredBesidePredicted_AndNamesUnexplainedRows()
    {
        var (exitCode, stdout, stderr) = await AppHostCli.RunAsync(null, "plan", "--explain-seed");
        Assert.True(exitCode == 0, stderr);
        Assert.Matches(@"PV, 1T pd-ssd, RA1024\s*│\s*38\.0\s*│\s*38\.0", stdout);
        Assert.Matches(@"PV, 2T pd-ssd, RA1024\s*│\s*29\.2\s*│\s*29\.3", stdout);
        Assert.Matches(@"NFS, 2\.5T Basic-SSD, RA16384\s*│\s*29\.4\s*│\s*29\.3", stdout);
        var unexplained = stdout[stdout.IndexOf("Rows the model does not explain", StringComparison.Ordinal)..];
        Assert.Contains("- PV, 0.5T pd-ssd, RA1024", unexplained, StringComparison.Ordinal);
        Assert.Contains("- NFS, 1T Zonal, RA1024", unexplained, StringComparison.Ordinal);
        Assert.DoesNotContain("- PV, 2T pd-ssd", unexplained, StringComparison.Ordinal);
        Assert.Contains("hydration", unexplained, StringComparison.Ordinal);
        // The overlap model beside the weight-load benchmark at the seed's scale: 2 TiB max(15.7, 13.6) + 1; 1 TiB 22.3 + 1.
        Assert.Matches(@"bench: PV, 2T pd-ssd, RA128 \+ prefetch sidecar\s*│\s*16\.4\s*│\s*16\.7", stdout);
        Assert.Matches(@"bench: PV, 1T pd-ssd, RA128 \+ prefetch sidecar\s*│\s*23\.1\s*│\s*23\.3", stdout);
    }

    [Fact]
    public async Task Plan_MarksTheCheapestOptionWithinTheTarget()
    {
        var (exitCode, stdout, stderr) = await AppHostCli.RunAsync(null, "plan", "--target-seconds", "40");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("configured", stdout, StringComparison.Ordinal);
        // The AppHost loads with the prefetch sidecar: max(6 + 15.7 s, I/O) + 1 s. Within 40 s that makes room for pd-ssd 512 GiB
        // (486 MiB/s: 33.5 s of I/O, 34.5 s, $87) — cheaper than Hyperdisk ML @1200 ($149), which the recipe's serial model needed.
        Assert.Contains("Cheapest within 40.0 s: pd-ssd 512 GiB, RA 4096, 34.5 s, $87/month.", stdout, StringComparison.Ordinal);
        // The configured disk with the recipe's loader, for comparison: 6 + 15.7 + 13.6 s.
        Assert.Matches(@"pd-ssd 2048 GiB, RA 4096\s*│\s*mmap \(recipe\)\s*│\s*0\.0\s*│\s*6\.0\s*│\s*15\.7\s*│\s*13\.6\s*│\s*35\.3", stdout);
        Assert.Matches(@"pd-ssd 2048 GiB, RA 4096\s*│\s*mmap \+ prefetch sidecar\s*│\s*0\.0\s*│\s*6\.0\s*│\s*15\.7\s*│\s*13\.6 \(overlapped\)\s*│\s*22\.7", stdout);

        var none = await AppHostCli.RunAsync(null, "plan", "--target-seconds", "5");
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("No option with a known price starts within 5.0 s.", none.Stdout, StringComparison.Ordinal);

        var bad = await AppHostCli.RunAsync(null, "plan", "--target-seconds", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--target-seconds", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_CountsOneZonalVolumePerZone()
    {
        var parameters = new Dictionary<string, string>(AppHostCli.Parameters) { ["gcp-zone"] = "us-central1-a,us-central1-b" };
        var (exitCode, stdout, stderr) = await AppHostCli.RunAsync(parameters, "plan");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("2 zone(s)", stdout, StringComparison.Ordinal);
        // pd-ssd 2,048 GiB at $0.17 per GiB-month, one disk in each of two zones: $696.
        Assert.Matches(@"pd-ssd 2048 GiB, RA 4096\s*│\s*mmap \+ prefetch sidecar\s*│.*│\s*696\s*│\s*configured", stdout);
    }
}
