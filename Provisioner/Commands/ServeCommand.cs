using System.CommandLine;
using OpenTelemetry.Trace;
using VllmAspire.Provisioner.Api;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Commands;

/// <summary>
/// The <c>serve</c> verb (also the default): runs the Provisioner web service. Its token-protected API runs the same
/// stage graph as <c>deploy</c> and <c>destroy</c>, one run at a time, and reports every stage to the dashboard.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Creates the <c>serve</c> command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var command = new Command("serve", "Runs the Provisioner web service (the default). Other arguments go to the host, e.g. --urls.")
        {
            // Host arguments such as --urls or --Provisioner:ApiToken=... are passed through, not parsed here.
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async parseResult =>
        {
            await using var app = Build([.. parseResult.UnmatchedTokens]);
            await app.RunAsync();
            return 0;
        });
        return command;
    }

    /// <summary>Builds the web service.</summary>
    /// <param name="hostArgs">Host arguments, e.g. <c>--urls</c> and configuration overrides.</param>
    /// <param name="configure">Lets tests replace services, e.g. the stages.</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] hostArgs, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.AddServiceDefaults();
        // Every run as a trace with a span per stage, exported with the service's other telemetry.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(StageTracing.SourceName));
        builder.Services.Configure<ProvisionerOptions>(builder.Configuration.GetSection(ProvisionerOptions.SectionName));
        // Runs get services of their own: the GCP clients have their own retries and long waits, which the web host's
        // default HTTP resilience (ServiceDefaults) would cut short.
        builder.Services.AddSingleton(_ => DeploymentServices.Build(builder.Configuration, configure));
        builder.Services.AddSingleton<ProvisionerRuns>();

        var app = builder.Build();
        // Health, liveness and metrics stay open: probes and Prometheus cannot present a token.
        app.MapDefaultEndpoints();
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<ApiTokenMiddleware>());

        var api = app.MapGroup("/api");
        api.MapGet("/stages", (ProvisionerRuns runs) => TypedResults.Ok(runs.GetStages()));
        api.MapGet("/run", (ProvisionerRuns runs) => runs.Current is { } run ? Results.Ok(run) : Results.NoContent());
        api.MapPost("/deploy", (ProvisionerRuns runs, RunRequest? request) => runs.Start(StageRunMode.Deploy, request));
        api.MapPost("/destroy", (ProvisionerRuns runs, RunRequest? request) => runs.Start(StageRunMode.Destroy, request));
        return app;
    }
}
