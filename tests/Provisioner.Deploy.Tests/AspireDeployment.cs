using VllmAspire.Hosting.Publishing;
using VllmAspire.Testing.Pipelines;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real AppHost deployed with the <c>aspire</c> CLI itself (<c>aspire deploy</c>, <c>aspire destroy</c>,
/// <c>aspire do</c>) against the fake Google APIs, the fake Kubernetes API server and the fake registry: parameters,
/// endpoints (<c>Gcp:Endpoints:*</c>), credentials and the kubeconfig reach the AppHost through the environment, as in
/// CI. Each instance has its own fakes, Aspire home (the deployment state) and output folder.
/// </summary>
internal sealed class AspireDeployment : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vllm-aspire-cli-deploy-").FullName;

    private AspireDeployment(GcpDeployment cloud) => Cloud = cloud;

    /// <summary>Gets the fakes, and the golden plan they are checked against (its images in the fake registry).</summary>
    public GcpDeployment Cloud { get; }

    /// <summary>Gets the Aspire home: the CLI's caches and the deployment state file.</summary>
    public string AspireHome => Path.Combine(_root, "aspire-home");

    /// <summary>Gets where the publish step writes the manifests and the plan deploy reads.</summary>
    public string Output => Path.Combine(_root, "out");

    /// <summary>Gets the deployment state Aspire keeps between commands (<c>ASPIRE_HOME/deployments/*/production.json</c>).</summary>
    public IEnumerable<string> StateFiles => Directory.Exists(Path.Combine(AspireHome, "deployments"))
        ? Directory.EnumerateFiles(Path.Combine(AspireHome, "deployments"), "*", SearchOption.AllDirectories)
        : [];

    public static async Task<AspireDeployment> StartAsync()
    {
        var cloud = await GcpDeployment.StartAsync(kubernetes: true, images: true);

        // The prefetch sidecar's image is in the registry already, as a previous deploy leaves it: building it for real
        // (~1 min) is FullDeployEndToEndTests' concern.
        cloud.Registry!.SeedBaseImage($"my-project/vllm/{ProvisionerContainerImage.RepositoryName}", ProvisionerContainerImage.Tag);
        return new AspireDeployment(cloud);
    }

    /// <summary>Gets the environment of a run: the AppHost's parameters, then the fakes' endpoints, credentials and short timings.</summary>
    public Dictionary<string, string?> Environment()
    {
        var environment = Cloud.Environment();
        environment["Parameters__gcp-project"] = GcpDeployment.Project;
        environment["Parameters__gcp-location"] = "us-central1";
        environment["Parameters__gcp-zone"] = "us-central1-a";
        environment["Parameters__gke-cluster"] = "vllm-cluster";
        environment["Parameters__container-registry"] = $"{Cloud.Registry!.Host}/my-project/vllm";
        return environment;
    }

    /// <summary>Starts <c>aspire VERB ARGS -o OUT</c> (publish's output folder; deploy and destroy publish first).</summary>
    public AspirePipelineRun Start(params string[] arguments) => AspirePipelineRun.Start([.. arguments, "-o", Output], AspireHome, Environment());

    /// <summary>Runs <c>aspire VERB ARGS</c> to its end.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var run = Start(arguments);
        var exitCode = await run.WaitAsync();
        return (exitCode, string.Join('\n', run.Lines));
    }

    public async ValueTask DisposeAsync()
    {
        await Cloud.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
