// The custom.metrics.k8s.io shim: serves vLLM's metrics to the HPA from fresh pod scrapes or from Prometheus.
// It listens where ASPNETCORE_URLS says, as set by the AppHost (loopback) or the pod spec.
using VllmAspire.MetricsAdapterShim;

ShimApp.Build(args).Run();
