using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Otlp;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real Provisioner executable exports each run's trace over OTLP (to a fake collector here; to the Aspire
/// dashboard when Aspire sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), and sends it before it exits.
/// </summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task Deploy_sends_its_run_and_stage_spans_to_the_OTLP_endpoint_before_it_exits()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var deployment = await GcpDeployment.StartAsync();
        foreach (var (key, value) in collector.Environment)
        {
            deployment.ExtraEnvironment[key] = value;
        }

        // No scheduled export during the run: only the flush at the end can have sent the spans once the process is gone.
        deployment.ExtraEnvironment["OTEL_BSP_SCHEDULE_DELAY"] = "600000";

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        var spans = collector.Spans;
        var run = Assert.Single(spans, s => s.Scope == StageTracing.SourceName && s.Name == "deploy");
        Assert.Equal("", run.ParentSpanId);
        Assert.Equal(StageTracing.SourceName, run.ServiceName);
        Assert.Equal(OtlpSpan.Ok, run.StatusCode);
        Assert.Equal(new object?[] { "my-project", "us-central1", "vllm-cluster", "deploy", false, 5L },
            new[] { run.Attributes[StageTracing.ProjectAttribute], run.Attributes[StageTracing.LocationAttribute], run.Attributes[StageTracing.ClusterAttribute],
             run.Attributes[StageTracing.ModeAttribute], run.Attributes[StageTracing.DryRunAttribute], run.Attributes[StageTracing.StageCountPrefix + "created"] });

        // One span per stage of the summary, each under the run.
        var stages = spans.Where(s => s.Scope == StageTracing.SourceName && s.ParentSpanId == run.SpanId).ToDictionary(s => s.Name);
        Assert.Equal(7, stages.Count);
        Assert.Contains("image-cache", stages.Keys);
        Assert.Contains("gcp-prune", stages.Keys);
        Assert.All(stages.Values, s => Assert.Equal((run.TraceId, OtlpSpan.Ok), (s.TraceId, s.StatusCode)));
        Assert.All(stages.Values, s => Assert.True(s.Start >= run.Start && s.End <= run.End, $"{s.Name} lies outside the run"));
        Assert.True(stages["node-pool-vllm-pool"].Start >= stages["image-cache"].End, "the pool's span starts before the image cache's ends");
        Assert.Contains(stages["image-cache"].Events, e => e.Name == StageTracing.ObjectEventName
            && (string?)e.Attributes[StageTracing.ObjectPathAttribute] == "projects/my-project/global/images/gke-image-cache");

        // The REST calls a stage makes nest under its span.
        Assert.Contains(spans, s => s.ParentSpanId == stages["node-pool-vllm-pool"].SpanId && (string?)s.Attributes.GetValueOrDefault("http.request.method") == "POST");
    }
}
