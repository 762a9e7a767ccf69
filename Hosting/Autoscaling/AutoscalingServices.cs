using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>Registers, once, the local autoscaler that rehearses the HPA in a local run.</summary>
internal static class AutoscalingServices
{
    /// <summary>Adds the local autoscaler (run mode only).</summary>
    /// <param name="builder">The application builder.</param>
    public static void Add(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LocalAutoscaler>());
        }
    }
}
