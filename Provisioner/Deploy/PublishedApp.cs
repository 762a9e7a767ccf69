using System.Text.Json;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>
/// What <c>publish</c> wrote and deploy reads: <c>gke-plan.json</c> (the cloud resources) and <c>kubernetes/</c> (the
/// manifests) in one folder.
/// </summary>
/// <param name="Directory">The published folder's full path.</param>
/// <param name="Plan">The GKE plan.</param>
internal sealed record PublishedApp(string Directory, GkePlan Plan)
{
    /// <summary>The plan's file name.</summary>
    public const string PlanFileName = "gke-plan.json";

    /// <summary>The manifests' folder name.</summary>
    public const string KubernetesFolderName = "kubernetes";

    /// <summary>Gets the folder of the Kubernetes manifests.</summary>
    public string KubernetesDirectory => Path.Combine(Directory, KubernetesFolderName);

    /// <summary>Gets the application's name, as the plan's cloud labels carry it (<c>app</c>), else the cluster's.</summary>
    public string ApplicationName =>
        Plan.Steps.Select(s => s.Body?["labels"]?["app"]?.GetValue<string>()).FirstOrDefault(a => !string.IsNullOrEmpty(a)) ?? Plan.Cluster;

    /// <summary>Reads and checks a published folder.</summary>
    /// <param name="directory">The folder given with <c>--from</c>.</param>
    /// <returns>The published app.</returns>
    /// <exception cref="DeploymentInputException">The folder, the plan or the manifests are missing or invalid.</exception>
    public static PublishedApp Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        const string Fix = "Publish first: dotnet run --project AppHost -- publish -o DIR, then pass that DIR with --from.";
        if (!System.IO.Directory.Exists(full))
        {
            throw new DeploymentInputException($"--from '{directory}': the folder {full} does not exist. {Fix}");
        }

        var planPath = Path.Combine(full, PlanFileName);
        if (!File.Exists(planPath))
        {
            throw new DeploymentInputException($"--from '{directory}': {planPath} is missing, so this is not a published folder. {Fix}");
        }

        if (!System.IO.Directory.Exists(Path.Combine(full, KubernetesFolderName)))
        {
            throw new DeploymentInputException($"--from '{directory}': the folder {Path.Combine(full, KubernetesFolderName)} is missing. {Fix}");
        }

        GkePlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(planPath));
        }
        catch (JsonException e)
        {
            throw new DeploymentInputException($"{planPath} is not a valid GKE plan: {e.Message} Publish again rather than editing it by hand.", e);
        }

        if (plan is null)
        {
            throw new DeploymentInputException($"{planPath} is empty (JSON null). Publish again.");
        }

        var problems = new List<string>();
        foreach (var (value, name) in new[] { (plan.Project, "project"), (plan.Location, "location"), (plan.Cluster, "cluster") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"'{name}' is empty");
            }
        }

        foreach (var duplicate in plan.Steps.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"step id '{duplicate.Key}' appears {duplicate.Count()} times");
        }

        if (problems.Count > 0)
        {
            throw new DeploymentInputException($"{planPath} is not a valid GKE plan: {string.Join("; ", problems)}. Publish again rather than editing it by hand.");
        }

        return new PublishedApp(full, plan);
    }
}
