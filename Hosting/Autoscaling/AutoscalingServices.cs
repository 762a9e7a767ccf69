using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Cli;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>Registers, once, what local autoscaling needs: the decision store, the local HPA, the running-app file and the <c>load</c> verb.</summary>
internal static class AutoscalingServices
{
    public static void Add(IDistributedApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<AutoscalingDecisionStore>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAppHostCommand, LoadCommand>());
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LocalAutoscaler>());
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RunningAppFileWriter>());
        }
    }
}
