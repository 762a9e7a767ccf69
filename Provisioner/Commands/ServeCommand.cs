using System.CommandLine;
using VllmAspire.Provisioner.Api;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Commands;

/// <summary>The <c>serve</c> verb (also the default): runs the Provisioner web service.</summary>
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
        command.SetAction(parseResult => RunAsync([.. parseResult.UnmatchedTokens]));
        return command;
    }

    private static async Task<int> RunAsync(string[] hostArgs)
    {
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.AddServiceDefaults();
        builder.Services.Configure<ProvisionerOptions>(builder.Configuration.GetSection(ProvisionerOptions.SectionName));

        var app = builder.Build();
        // Health, liveness and metrics stay open: probes and Prometheus cannot present a token.
        app.MapDefaultEndpoints();
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<ApiTokenMiddleware>());

        var api = app.MapGroup("/api");
        api.MapGet("/stages", () => TypedResults.Ok<IReadOnlyList<string>>([]));

        await app.RunAsync();
        return 0;
    }
}
