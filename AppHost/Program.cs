using Microsoft.Extensions.Configuration;
using VllmAspire.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// The weights vLLM serves. Locally a small deterministic sample model is generated (no download, no GPU);
// published, they come from the source and are baked into a read-only disk image.
var weights = builder.AddModelWeights("gemma-7b", source: "gs://my-bucket/models/gemma-7b");

// vLLM itself. Locally VllmSimulator stands in: same OpenAI API, same metrics, real weight loading.
var vllm = builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1")
    .WithModel(weights)
    .WithMaxNumSeqs(builder.Configuration.GetValue("Vllm:MaxNumSeqs", 8))
    .WithReplicas(builder.Configuration.GetValue("Vllm:Replicas", 1));

// The metrics stack: Prometheus scrapes every vLLM replica; the adapter serves the queue metric to the autoscaler.
var prometheus = builder.AddPrometheus("prometheus");
builder.AddMetricsAdapter("metrics-adapter")
    .WithReference(prometheus)
    .WithReference(vllm);

// The provisioner runs the GKE stages (deploy) and reports them to the dashboard.
builder.AddProvisioner("provisioner");

builder.Build().Run();
