using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Where `aspire publish`, `aspire do plan` and `aspire deploy` send the model: project, location, zone(s), cluster
// and container registry come from the parameters gcp-project, gcp-location, gcp-zone (one zone or a comma-separated
// list), gke-cluster and container-registry. A local run needs none of them.
var gke = builder.AddGkeEnvironment("gke");

// The GPU nodes vLLM runs on; each new node has every image of the model cached on a secondary boot disk.
var pool = gke.AddNodePool("vllm-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", minNodes: 1, maxNodes: 5)
    .WithImageCache();

// Warm GPU nodes, so a scale-out does not wait minutes for GKE to provision one. Each costs a node a month, so it is
// opt-in (Gke:StandbyNodesPerZone); `aspire do plan` shows the cost and the seconds it saves.
if (builder.Configuration.GetValue("Gke:StandbyNodesPerZone", 0) is var standbyNodes and > 0)
{
    pool.WithStandbyCapacity(standbyNodes);
}

// The weights vLLM serves. Locally a small deterministic sample model is generated (no download, no GPU);
// published, they come from the source and are baked into a read-only disk image.
var weights = builder.AddModelWeights("gemma-7b", source: "gs://my-bucket/models/gemma-7b")
    .WithSize(sizeGiB: 15.9)
    .PublishAsPersistentDisk(type: "pd-ssd", sizeGb: 2048, readAheadKb: 4096);

// vLLM itself. Locally VllmSimulator stands in: same OpenAI API, same metrics, real weight loading.
var vllm = builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1")
    .WithModel(weights)
    .WithNodePool(pool)
    .WithMaxNumSeqs(builder.Configuration.GetValue("Vllm:MaxNumSeqs", 8))
    // Locally each replica plays a current vLLM's start (imports, engine, weights, compile, CUDA graphs) at this
    // fraction of its measured length, while its prefetcher reads the weights; each start is a trace in the dashboard.
    .RunAsSimulator(o => o.StartupTimeScale = builder.Configuration.GetValue("Vllm:StartupTimeScale", 0.05))
    // Published, a prefetch sidecar reads the weights into the page cache while vLLM starts (the default load
    // strategy). The pod's memory must hold the 15.9 GiB of weights beside vLLM itself; publish checks it.
    .WithMemoryLimit(podLimitGiB: 32)
    .WithAutoscaling(
        minReplicas: builder.Configuration.GetValue("Vllm:MinReplicas", 1),
        maxReplicas: builder.Configuration.GetValue("Vllm:MaxReplicas", 5),
        metric: "vllm:num_requests_waiting",
        averageValue: 10);

// Published, vLLM's torch.compile cache baked with the weights (a warm-up on a GPU node at bake time), so pods load
// compiled graphs instead of compiling; opt-in (Vllm:CompileCache) as the bake then needs a GPU node.
if (builder.Configuration.GetValue("Vllm:CompileCache", false))
{
    vllm.WithCompileCache();
}

// The metrics stack: Prometheus scrapes every vLLM replica; the adapter serves the queue metric to the autoscaler.
var prometheus = builder.AddPrometheus("prometheus");
builder.AddMetricsAdapter("metrics-adapter")
    .WithReference(prometheus)
    .WithReference(vllm);

// The provisioner runs the GKE stages when the dashboard's commands ask, and reports each run as a trace.
builder.AddProvisioner("provisioner");

builder.Build().Run();
