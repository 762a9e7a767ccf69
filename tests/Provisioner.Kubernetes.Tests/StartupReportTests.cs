using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class StartupReportTests
{
    [Fact]
    public async Task AfterTheRollout_EachNewPodsStartup_IsReportedFromEventsAndLogs()
    {
        var options = new FakeKubernetesOptions { PullDuration = TimeSpan.FromMilliseconds(1234), WeightLoadSeconds = 29.2, WeightGib = 15.99 };
        await using var bed = await TestBed.StartAsync(options);

        var results = await bed.DeployAsync();

        var report = Assert.Single(bed.Stage("workload-vllm").StartupReports);
        Assert.StartsWith("vllm-", report.Pod, StringComparison.Ordinal);
        Assert.Equal(options.NodeName, report.Node);
        Assert.NotNull(report.Scheduled);
        Assert.NotNull(report.PullStarted);
        Assert.False(report.ImageAlreadyPresent);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), report.PullDuration);
        Assert.NotNull(report.Started);
        Assert.Equal(29.2, report.WeightLoad!.Seconds);
        Assert.Equal(15.99, report.WeightLoad.Gib);
        Assert.Contains("Loading weights took 29.20 seconds", report.WeightLoad.Line, StringComparison.Ordinal);
        Assert.NotNull(report.Ready);
        Assert.True(report.Ready >= report.Started && report.Started >= report.Scheduled);

        var line = PodStartupReportFormatter.Format(report);
        Assert.Contains($"{report.Pod} on {options.NodeName}: scheduled +", line, StringComparison.Ordinal);
        Assert.Contains("image pulled in 1.234s", line, StringComparison.Ordinal);
        Assert.Contains("weights loaded in 29.20 s (15.99 GiB)", line, StringComparison.Ordinal);
        Assert.Contains(line, results["workload-vllm"].Message, StringComparison.Ordinal);
        Assert.Contains(bed.ProgressNotes, n => n.Stage == "workload-vllm" && n.Message == line);
    }

    [Fact]
    public async Task APodWhoseImageIsCachedOnTheNode_ReportsNoPull()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { ImageAlreadyPresent = true });

        await bed.DeployAsync();

        var report = Assert.Single(bed.Stage("workload-vllm").StartupReports);
        Assert.True(report.ImageAlreadyPresent);
        Assert.Equal(TimeSpan.Zero, report.PullDuration);
        Assert.Null(report.PullStarted);
        Assert.Contains("image already on the node", PodStartupReportFormatter.Format(report), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Successfully pulled image \"vllm/vllm-openai:v0.10.1\" in 1m2.5s (1m2.5s including waiting). Image size: 1 bytes.", 62_500)]
    [InlineData("Successfully pulled image \"x\" in 850ms (850ms including waiting)", 850)]
    [InlineData("Successfully pulled image \"x\" in 3.25s", 3_250)]
    public void PullDuration_IsReadFromKubeletsMessage(string message, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), PodStartupReporter.ParsePullDuration(message));

    [Fact]
    public void WeightLoad_IsReadFromV1AndV0LogLines()
    {
        var v1 = VllmWeightLoad.Parse("INFO 08-28 10:00:00 [gpu_model_runner.py:1892] Model loading took 15.9900 GiB memory and 31.250000 seconds\n");
        Assert.Equal((31.25, 15.99), (v1!.Seconds!.Value, v1.Gib!.Value));

        var v0 = VllmWeightLoad.Parse("INFO 05-01 10:00:00 model_runner.py:160] Loading model weights took 15.9375 GB\n");
        Assert.Null(v0!.Seconds);
        Assert.Equal(15.9375, v0.Gib);

        Assert.Null(VllmWeightLoad.Parse("INFO vLLM API server version 0.10.1\n"));
    }
}
