using System.Text.Json;
using System.Text.Json.Serialization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace VllmAspire.Hosting.Replicas;

/// <summary>
/// The running replicas of each scraped resource as Prometheus file-based service discovery files
/// (<c>targets/{resource}.json</c> in the local data folder): one group per replica, its own address and its pod name.
/// Prometheus scrapes from them and the local metrics adapter lists its pods from them, so both see the same replicas.
/// </summary>
internal static class ReplicaTargets
{
    /// <summary>The label with the replica's name, which the metrics adapter reports as the pod's name.</summary>
    public const string PodLabel = "pod";

    /// <summary>The label with the replica's resource, which the metrics adapter reports as the pod's <c>app</c> label.</summary>
    public const string ResourceLabel = "resource";

    /// <summary>The label with the namespace the local pods are in.</summary>
    public const string NamespaceLabel = "namespace";

    /// <summary>The namespace local pods are in.</summary>
    public const string LocalNamespace = "default";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>
    /// Registers, once, what keeps the targets files current in a local run, and returns their folder.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The folder of the targets files.</returns>
    public static string AddWriter(IDistributedApplicationBuilder builder)
    {
        var directory = new ReplicaTargetsDirectory(Path.Combine(LocalDataDirectory.Get(builder), "targets"));
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddSingleton(directory);
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReplicaTargetsWriter>());
        }

        return directory.Path;
    }

    /// <summary>Gets the targets file of a resource.</summary>
    /// <param name="directory">The folder of the targets files.</param>
    /// <param name="resource">The resource.</param>
    /// <returns>The file.</returns>
    public static string File(string directory, IResource resource) => Path.Combine(directory, $"{resource.Name}.json");

    /// <summary>Writes a resource's targets, atomically (Prometheus and the adapter may read at any moment).</summary>
    /// <param name="directory">The folder of the targets files.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="replicas">Its running replicas: the replica's name and its host:port.</param>
    public static void Write(string directory, IResource resource, IEnumerable<(string Name, string Address)> replicas)
    {
        System.IO.Directory.CreateDirectory(directory);
        var groups = replicas.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new TargetGroup(
            [r.Address],
            new Dictionary<string, string>(StringComparer.Ordinal) { [PodLabel] = r.Name, [NamespaceLabel] = LocalNamespace, [ResourceLabel] = resource.Name }));
        var path = File(directory, resource);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(groups, Json));
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    /// <summary>One file_sd target group.</summary>
    /// <param name="Targets">host:port of the target.</param>
    /// <param name="Labels">Its labels.</param>
    private sealed record TargetGroup([property: JsonPropertyName("targets")] string[] Targets, [property: JsonPropertyName("labels")] Dictionary<string, string> Labels);
}
