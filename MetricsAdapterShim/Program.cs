// The custom.metrics.k8s.io shim. For now only the foundation: service defaults (health, Prometheus /metrics,
// OpenTelemetry); it listens where ASPNETCORE_URLS says, as set by the AppHost or the pod spec.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();

app.Lifetime.ApplicationStarted.Register(() =>
    app.Logger.LogInformation("Metrics adapter shim listening on {Urls}", string.Join(", ", app.Urls)));

app.Run();
