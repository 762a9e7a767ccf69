using Aspire.Hosting;

namespace VllmAspire.Hosting;

/// <summary>
/// The folder of files our integrations generate for a local run (the sample model, Prometheus's configuration and
/// data, the replica lists): <c>.vllm-aspire</c> beside the AppHost project, or configuration <c>VllmAspire:DataDirectory</c>.
/// </summary>
internal static class LocalDataDirectory
{
    /// <summary>The configuration key that moves the folder.</summary>
    public const string ConfigurationKey = "VllmAspire:DataDirectory";

    /// <summary>Gets the folder for an application.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The absolute path.</returns>
    public static string Get(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[ConfigurationKey] ?? ".vllm-aspire", builder.AppHostDirectory);
}
