using System.Text;
using VllmAspire.Contracts.Plan;
using k8s.Models;
using k8s;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Writes <c>kubernetes/</c> (one YAML file per object and a <c>kustomization.yaml</c>) and <c>gke-plan.json</c>.
/// Everything is written to a temporary folder beside the output and moved into place at the end, so a failure
/// leaves nothing partial in the output folder.
/// </summary>
public static class PublishOutputWriter
{
    /// <summary>The folder of the Kubernetes manifests inside the output.</summary>
    public const string KubernetesFolder = "kubernetes";

    /// <summary>The plan's file name inside the output.</summary>
    public const string PlanFile = "gke-plan.json";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Gets the file name of an object: <c>kind-name.yaml</c>, with the namespace when it is not the workloads' own.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="workloadNamespace">The workloads' namespace.</param>
    /// <returns>The file name.</returns>
    public static string FileName(IKubernetesObject<V1ObjectMeta> obj, string workloadNamespace)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = obj.Metadata.NamespaceProperty;
        var name = obj.Metadata.Name.Replace(':', '-');
        var prefix = ns is null || ns == workloadNamespace ? "" : $"{ns}-";
        return $"{obj.Kind.ToLowerInvariant()}-{prefix}{name}.yaml";
    }

    /// <summary>Writes the output.</summary>
    /// <param name="outputPath">The output folder.</param>
    /// <param name="objects">The Kubernetes objects, in apply order.</param>
    /// <param name="plan">The GKE plan.</param>
    /// <param name="workloadNamespace">The workloads' namespace.</param>
    /// <returns>The files written, relative to the output folder.</returns>
    public static IReadOnlyList<string> Write(string outputPath, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, GkePlan plan, string workloadNamespace)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(plan);
        var output = Path.GetFullPath(outputPath);
        var parent = Path.GetDirectoryName(output) ?? throw new ArgumentException($"Output path '{outputPath}' has no parent folder.", nameof(outputPath));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(output)}.publishing-{Guid.NewGuid():N}");
        var written = new List<string>();
        try
        {
            var kubernetes = Directory.CreateDirectory(Path.Combine(staging, KubernetesFolder)).FullName;
            var files = new List<string>();
            foreach (var obj in objects)
            {
                var file = FileName(obj, workloadNamespace);
                if (files.Contains(file, StringComparer.Ordinal))
                {
                    throw new InvalidOperationException($"Two objects would both be written to {file}: give the resources distinct names.");
                }

                files.Add(file);
                File.WriteAllText(Path.Combine(kubernetes, file), KubernetesYaml.Serialize(obj).TrimEnd() + "\n", Utf8NoBom);
            }

            var kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
            foreach (var file in files)
            {
                kustomization.Append("- ").Append(file).Append('\n');
            }

            File.WriteAllText(Path.Combine(kubernetes, "kustomization.yaml"), kustomization.ToString(), Utf8NoBom);
            File.WriteAllText(Path.Combine(staging, PlanFile), plan.ToJson(), Utf8NoBom);
            written.AddRange(files.Select(f => $"{KubernetesFolder}/{f}"));
            written.Add($"{KubernetesFolder}/kustomization.yaml");
            written.Add(PlanFile);

            // Move into place: the previous kubernetes/ is replaced whole, so no stale object survives.
            if (!Directory.Exists(output))
            {
                Directory.Move(staging, output);
                return written;
            }

            var target = Path.Combine(output, KubernetesFolder);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(kubernetes, target);
            File.Move(Path.Combine(staging, PlanFile), Path.Combine(output, PlanFile), overwrite: true);
            return written;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
