using VllmAspire.Hosting.Planning;

namespace VllmAspire.Publishing.Tests;

public sealed class PlannerTests
{
    [Theory]
    [InlineData("PV, 1T pd-ssd, RA1024")]
    [InlineData("PV, 1T pd-ssd, RA128")]
    [InlineData("PV, 2T pd-ssd, RA1024")]
    [InlineData("PV, 2T pd-ssd, RA128")]
    [InlineData("NFS, 2.5T Basic-SSD, RA16384")]
    [InlineData("NFS, 2.5T Basic-SSD, RA1024")]
    [InlineData("NFS, 2.5T Basic-SSD, RA128")]
    public void ExplainSeed_MatchesTheRowWithin10Percent(string row)
    {
        var comparison = SeedTable.Explain().Single(c => c.Row.Label == row);
        Assert.InRange(comparison.Prediction.LoadSeconds, comparison.Row.MeasuredSeconds * 0.9, comparison.Row.MeasuredSeconds * 1.1);
        Assert.True(comparison.Explained);
    }

    [Fact]
    public void ExplainSeed_SaysWhichRowsTheModelDoesNotExplain_WithTheReferenceCauses()
    {
        var unexplained = SeedTable.Explain().Where(c => !c.Explained).ToList();
        Assert.Equal(
            ["GCSFuse, 100GB pd-balanced cache, RA128", "PV, 0.5T pd-ssd, RA1024", "PV, 0.5T pd-ssd, RA128", "NFS, 1T Zonal, RA1024"],
            unexplained.Select(c => c.Row.Label));
        Assert.All(unexplained, c => Assert.False(string.IsNullOrEmpty(c.Row.KnownCause)));
    }

    [Fact]
    public void TwoTebibytePdSsd_IsLimitedByTheVm_AndASmallerVmIsSlower()
    {
        var option = new StorageOption(StorageKind.PdSsd, 2048, 1024);
        var g2_16 = StartupPlanner.Predict(option, new PlannerInputs { MachineType = "g2-standard-16", ImageCached = true });
        var g2_4 = StartupPlanner.Predict(option, new PlannerInputs { MachineType = "g2-standard-4", ImageCached = true });
        Assert.Equal(1200, g2_16.BandwidthMiBps);
        Assert.StartsWith("VM cap", g2_16.Limit, StringComparison.Ordinal);
        Assert.Equal(240, g2_4.BandwidthMiBps);
        Assert.True(g2_4.TotalSeconds > g2_16.TotalSeconds + 50);
    }

    [Fact]
    public void ImageCache_RemovesThePull_AndConcurrentNodesShareThePerGiBThroughput()
    {
        var option = new StorageOption(StorageKind.PdSsd, 2048, 4096);
        var cached = StartupPlanner.Predict(option, new PlannerInputs { ImageCached = true });
        var pulled = StartupPlanner.Predict(option, new PlannerInputs { ImageCached = false });
        Assert.Equal(0, cached.ImagePullSeconds);
        Assert.True(pulled.ImagePullSeconds > 60);

        // storage.md §2.1: 4 nodes on one 2 TiB pd-ssd get 240 + 983/4 MiB/s each.
        var four = StartupPlanner.Predict(option, new PlannerInputs { ImageCached = true, ConcurrentNodes = 4 });
        Assert.Equal(240 + 0.48 * 2048 / 4, four.BandwidthMiBps, 3);
    }

    [Fact]
    public void ParallelReader_LiftsTheReadAheadLimit()
    {
        var option = new StorageOption(StorageKind.PdSsd, 1024, 128);
        var mmap = StartupPlanner.Predict(option, new PlannerInputs());
        var parallel = StartupPlanner.Predict(option, new PlannerInputs { ParallelReader = true });
        Assert.StartsWith("read-ahead", mmap.Limit, StringComparison.Ordinal);
        Assert.Equal(240 + 0.48 * 1024, parallel.BandwidthMiBps, 3);
    }

    [Fact]
    public void Compare_PicksTheCheapestPricedOptionWithinTheTarget()
    {
        var (predictions, cheapest) = StartupPlanner.Compare(StartupPlanner.Alternatives(4096, PlannerInputs.SeedWeightsMiB),
            new PlannerInputs { ImageCached = true }, targetSeconds: 50);
        var expected = predictions.Where(p => p.TotalSeconds <= 50 && p.MonthlyCostUsd is not null).MinBy(p => p.MonthlyCostUsd);
        Assert.NotNull(cheapest);
        Assert.Same(expected, cheapest);
        // Within 50 s: pd-ssd 1–2 TiB, pd-balanced 2 TiB ($205) and Hyperdisk ML; Hyperdisk ML at 1,200 MiB/s ($149) is cheapest.
        Assert.Equal(StorageKind.HyperdiskMl, cheapest.Option.Kind);
        Assert.Equal(1200, cheapest.Option.ProvisionedMiBps);
        Assert.Contains(predictions, p => p.MonthlyCostUsd is null && p.Option.Kind == StorageKind.FilestoreBasicSsd);
    }

    [Theory]
    [InlineData(StorageKind.FilestoreBasicSsd, 2560, 1200)]
    [InlineData(StorageKind.FilestoreZonal, 1024, 260)]
    [InlineData(StorageKind.FilestoreRegional, 2048, 240)]
    [InlineData(StorageKind.FilestoreBasicHdd, 1024, 100)]
    [InlineData(StorageKind.FilestoreBasicHdd, 12288, 180)]
    public void FilestoreTiers_AreCappedByTheirTier_WithAParallelReader(StorageKind kind, int sizeGiB, double cap)
    {
        var prediction = StartupPlanner.Predict(new StorageOption(kind, sizeGiB, 1024), new PlannerInputs { ParallelReader = true });
        Assert.Equal(cap, prediction.BandwidthMiBps, 3);
        Assert.Contains(StartupPlanner.Alternatives(1024, PlannerInputs.SeedWeightsMiB), o => o.Kind == kind);
    }

    [Theory]
    [InlineData("c4-standard-8", "pd-ssd", false)]
    [InlineData("a3-ultragpu-8g", "pd-balanced", false)]
    [InlineData("c4-standard-8", "hyperdisk-balanced", true)]
    [InlineData("g2-standard-16", "pd-ssd", true)]
    [InlineData("n1-standard-8", "hyperdisk-ml", false)]
    public void MachineTypes_KnowWhichDisksAttach(string machineType, string diskType, bool expected) =>
        Assert.Equal(expected, MachineTypes.CanAttach(machineType, diskType));
}
