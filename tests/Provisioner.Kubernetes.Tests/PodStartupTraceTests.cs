using System.Collections.Concurrent;
using System.Diagnostics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Testing.Fakes.Kubernetes;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>
/// A pod's start as one trace: Kubernetes events (scheduled, the autoscaler's scale-up, pulling, pulled, started, Ready)
/// joined with vLLM's log lines (read with the one grammar, timed by kubelet) into a span per phase.
/// </summary>
public sealed class PodStartupTraceTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private static Corev1Event Event(string reason, double at, string message = "", string? container = "vllm") => new()
    {
        Reason = reason,
        Message = message,
        FirstTimestamp = T0.AddSeconds(at),
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "vllm-abc", FieldPath = container is null ? null : $"spec.containers{{{container}}}" },
    };

    private static string Kubelet(double at, string line) => $"{T0.AddSeconds(at):yyyy-MM-dd'T'HH:mm:ss.fffffff}01Z {line}";

    private static (PodStartupReport Report, List<Activity> Spans) Report(IReadOnlyList<Corev1Event> events, string log)
    {
        using var spans = new PodSpans();
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "vllm-abc", NamespaceProperty = "vllm", CreationTimestamp = T0 },
            Spec = new V1PodSpec { NodeName = "gke-vllm-pool-new" },
            Status = new V1PodStatus { Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = T0.AddSeconds(402) }] },
        };
        var report = PodStartupReporter.Build(pod, events, log, "vllm");
        PodStartupTrace.Emit(report);
        // Other tests may report pods too: keep this pod's trace.
        var root = spans.Single(s => s.DisplayName == PodStartupTrace.RootName && (string?)s.GetTagItem("k8s.pod.name") == "vllm-abc" && s.StartTimeUtc == T0);
        return (report, [root, .. spans.Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartTimeUtc)]);
    }

    [Fact]
    public void Events_and_vllms_lines_become_one_trace_with_a_span_per_phase()
    {
        // A scale-out that waited for a new GPU node, then pulled the image and ran vLLM 0.11.2 with a compile-cache miss.
        // The vLLM lines are 0.11.2's as in vllm-project/vllm PR #29335's transcript, timed here by kubelet.
        Corev1Event[] events =
        [
            Event("FailedScheduling", 0, "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.", container: null),
            Event("TriggeredScaleUp", 1, "pod triggered scale-up: [{https://www.googleapis.com/compute/v1/projects/p/zones/z/instanceGroups/gke-vllm-pool-grp 1->2 (max: 5)}]", container: null),
            Event("Scheduled", 285, "Successfully assigned vllm/vllm-abc to gke-vllm-pool-new", container: null),
            Event("Pulling", 290, "Pulling image \"vllm/vllm-openai:v0.11.2\""),
            Event("Pulled", 291.8, "Successfully pulled image \"vllm/vllm-openai:v0.11.2\" in 1.8s (1.8s including waiting). Image size: 10460512304 bytes."),
            Event("Started", 292),
        ];
        var log = string.Join('\n',
            Kubelet(302, "(APIServer pid=1) INFO 05-01 10:05:02 [api_server.py:1805] vLLM API server version 0.11.2"),
            Kubelet(350, "(EngineCore_DP0 pid=441) INFO 05-01 10:05:50 [gpu_model_runner.py:3341] Model loading took 2.0513 GiB memory and 27.200487 seconds"),
            Kubelet(357, "(EngineCore_DP0 pid=441) INFO 05-01 10:05:57 [backends.py:648] Using cache directory: /root/.cache/vllm/torch_compile_cache/fd1e589ad6/rank_0_0/backbone for vLLM's torch.compile"),
            Kubelet(357, "(EngineCore_DP0 pid=441) INFO 05-01 10:05:57 [backends.py:708] Dynamo bytecode transform time: 6.07 s"),
            Kubelet(362, "(EngineCore_DP0 pid=441) INFO 05-01 10:06:02 [backends.py:255] Cache the graph for dynamic shape for later use"),
            Kubelet(371, "(EngineCore_DP0 pid=441) INFO 05-01 10:06:11 [backends.py:286] Compiling a graph for dynamic shape takes 13.62 s"),
            Kubelet(372, "(EngineCore_DP0 pid=441) INFO 05-01 10:06:12 [monitor.py:34] torch.compile takes 19.69 s in total"),
            "Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| 51/51 [00:01<00:00, 33.44it/s]",
            Kubelet(377, "(EngineCore_DP0 pid=441) INFO 05-01 10:06:17 [gpu_model_runner.py:3480] Graph capturing finished in 4 secs, took 0.31 GiB"),
            Kubelet(378, "(EngineCore_DP0 pid=441) INFO 05-01 10:06:18 [core.py:250] init engine (profile, create kv cache, warmup model) took 27.91 seconds"),
            Kubelet(400, "(APIServer pid=1) INFO 05-01 10:06:40 [api_server.py:1971] Starting vLLM API server 0 on http://0.0.0.0:8000"),
            Kubelet(401, "(APIServer pid=1) INFO:     Application startup complete."));

        var (report, spans) = Report(events, log);

        var root = spans[0];
        Assert.Equal(T0, root.StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(402), root.Duration);
        Assert.Equal(("vllm-abc", "vllm", "gke-vllm-pool-new"), ((string?)root.GetTagItem("k8s.pod.name"), (string?)root.GetTagItem("k8s.namespace.name"), (string?)root.GetTagItem("k8s.node.name")));
        var phases = spans.Skip(1).ToList();
        Assert.Equal(["scheduling", "node provisioning", "image pull", "imports", "engine", "weight load", "torch.compile", "CUDA graph capture", "ready"], phases.Select(p => p.DisplayName));
        Assert.All(phases, p => Assert.Equal(root.TraceId, p.TraceId));
        double S(string name) => phases.Single(p => p.DisplayName == name).Duration.TotalSeconds;
        Assert.Equal(1, S("scheduling"), 3);
        Assert.Equal(284, S("node provisioning"), 3);
        Assert.Equal(1.8, S("image pull"), 3);
        Assert.Equal(10, S("imports"), 3);
        Assert.Equal(350 - 27.200487 - 302, S("engine"), 3);
        Assert.Equal(27.200487, S("weight load"), 3);
        Assert.Equal(19.69, S("torch.compile"), 3);
        Assert.Equal(4, S("CUDA graph capture"), 3);
        Assert.Equal(402 - 377, S("ready"), 3);
        Assert.Equal(2.0513, phases.Single(p => p.DisplayName == "weight load").GetTagItem(VllmStartupTelemetry.WeightsGibAttribute));
        Assert.Equal(false, phases.Single(p => p.DisplayName == "torch.compile").GetTagItem(VllmStartupTelemetry.CompileCacheHitAttribute));
        Assert.Equal(false, phases.Single(p => p.DisplayName == "image pull").GetTagItem(PodStartupPhases.ImageAlreadyPresentAttribute));

        var line = PodStartupReportFormatter.Format(report);
        Assert.Contains("| phases: scheduling 1.0s, node provisioning 284.0s, image pull 1.8s, imports 10.0s,", line, StringComparison.Ordinal);
        Assert.Contains("torch.compile 19.69s (cache miss), CUDA graph capture 4.0s, ready 25.0s", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_reports_each_pods_phases_and_emits_its_trace_from_the_fake_cluster()
    {
        // In stop order: the fake's phases all fall in the same second, so their times do not order them.
        using var spans = new PodSpans();
        var options = new FakeKubernetesOptions { WaitForNewNode = true, CompileCacheHit = true, CompileSeconds = 7.5 };
        await using var bed = await TestBed.StartAsync(options);

        // The deploy runs in a trace of this test's own: each pod's trace links to the run that saw it, which tells this
        // test's pods from those of other tests that deploy meanwhile.
        Activity.Current = null;
        var test = new Activity("test");
        using (test.Start())
        {
            await bed.DeployAsync();
        }

        var report = Assert.Single(bed.Stage("workload-vllm").StartupReports);
        Assert.Equal(["scheduling", "node provisioning", "image pull", "imports", "engine", "weight load", "torch.compile", "CUDA graph capture", "ready"], report.Phases.Select(p => p.Name));
        Assert.True(report.Phases.Single(p => p.Name == "torch.compile").Attributes[VllmStartupTelemetry.CompileCacheHitAttribute] is true);
        Assert.Contains("torch.compile", bed.ProgressNotes.Single(n => n.Message.StartsWith(report.Pod, StringComparison.Ordinal)).Message, StringComparison.Ordinal);

        var root = Assert.Single(spans, s => s.DisplayName == PodStartupTrace.RootName && s.Links.Any(l => l.Context.TraceId == test.TraceId));
        Assert.Equal(report.Pod, (string?)root.GetTagItem("k8s.pod.name"));
        Assert.Equal(report.Phases.Select(p => p.Name), spans.Where(s => s.ParentSpanId == root.SpanId).Select(s => s.DisplayName));
        Assert.Equal(report.Created.UtcDateTime, root.StartTimeUtc);
    }
}

/// <summary>The pod start-up spans stopped while it listens, in stop order (other tests' pods included: filter by pod or by the run they link to).</summary>
internal sealed class PodSpans : IEnumerable<Activity>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public PodSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PodStartupTrace.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IEnumerator<Activity> GetEnumerator() => _spans.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _listener.Dispose();
}

/// <summary>The deploy run exports the pod traces over OTLP only when the standard endpoint setting names one.</summary>
public sealed class PodStartupTraceExportTests
{
    [Fact]
    public async Task An_otlp_endpoint_setting_gives_the_run_a_tracer_provider_for_the_pod_traces()
    {
        var configured = Deploy.DeploymentServices.BuildConfiguration(["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318"]);
        await using (var services = Deploy.DeploymentServices.Build(configured))
        {
            Assert.NotNull(services.GetService<OpenTelemetry.Trace.TracerProvider>());
        }

        var unset = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        await using (var services = Deploy.DeploymentServices.Build(unset))
        {
            Assert.Null(services.GetService<OpenTelemetry.Trace.TracerProvider>());
        }
    }
}
