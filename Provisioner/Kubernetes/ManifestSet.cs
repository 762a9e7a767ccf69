using k8s;
using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// The Kubernetes objects <c>publish</c> wrote (<c>DIR/kubernetes/*.yaml</c>), loaded strictly into KubernetesClient's
/// typed models (and <see cref="V1PodMonitoring"/> for the one custom resource), in apply order.
/// </summary>
internal sealed class ManifestSet
{
    private static readonly Dictionary<string, Type> TypeMap =
        KubernetesKinds.All.ToDictionary(k => $"{k.ApiVersion}/{k.Kind}", k => k.ModelType);

    private ManifestSet(IReadOnlyList<ManifestObject> objects) => Objects = objects;

    /// <summary>Gets every object, ordered so what others refer to comes first (namespaces, accounts, volumes, workloads, autoscalers).</summary>
    public IReadOnlyList<ManifestObject> Objects { get; }

    /// <summary>Gets the objects of one kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The objects, in apply order.</returns>
    public IEnumerable<ManifestObject> OfKind(KubernetesKind kind) => Objects.Where(o => o.Kind == kind);

    /// <summary>Loads the manifests of a publish output.</summary>
    /// <param name="directory">The publish output (holding <c>kubernetes/</c>) or the <c>kubernetes</c> folder itself.</param>
    /// <returns>The objects.</returns>
    /// <exception cref="InvalidOperationException">The folder is missing, a file is not valid YAML, has a field its model lacks, or a kind the provisioner does not handle.</exception>
    public static ManifestSet Load(string directory)
    {
        var folder = Directory.Exists(Path.Combine(directory, "kubernetes")) ? Path.Combine(directory, "kubernetes") : directory;
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"No manifests at '{directory}': run `dotnet run --project AppHost -- publish -o DIR` and pass DIR.");
        }

        var objects = new List<ManifestObject>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal))
        {
            List<object> documents;
            try
            {
                documents = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), TypeMap, strict: true);
            }
            catch (Exception e) when (e is not InvalidOperationException)
            {
                throw new InvalidOperationException($"{file}: {e.Message} (a kind the provisioner does not know, or a field its model lacks; republish with the same version of VllmAspire).", e);
            }

            foreach (var document in documents)
            {
                if (document is not IKubernetesObject<V1ObjectMeta> typed || KubernetesKinds.Find(typed.ApiVersion, typed.Kind) is not { } kind)
                {
                    throw new InvalidOperationException($"{file}: {document.GetType().Name} is not a kind the provisioner applies.");
                }

                if (string.IsNullOrEmpty(typed.Metadata?.Name) || (kind.Namespaced && string.IsNullOrEmpty(typed.Metadata.NamespaceProperty)))
                {
                    throw new InvalidOperationException($"{file}: {kind.Kind} needs metadata.name{(kind.Namespaced ? " and metadata.namespace" : "")}.");
                }

                objects.Add(new ManifestObject(kind, typed, file));
            }
        }

        return new ManifestSet([.. objects.OrderBy(o => KubernetesKinds.ApplyOrder(o.Kind))]);
    }
}
