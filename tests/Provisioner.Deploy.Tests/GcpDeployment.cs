using System.Diagnostics;
using System.Text.Json;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing;
using VllmAspire.Testing.Fakes.Gcp;
using VllmAspire.Testing.Fakes.Kubernetes;
using VllmAspire.Testing.Fakes.Registry;
using VllmAspire.Testing.Processes;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The fake Google APIs on loopback and a published folder with the AppHost model's plan (the publishing golden file),
/// deployed by the real Provisioner executable as a child process. With <c>kubernetes</c>, the golden manifests and a
/// fake Kubernetes API server (reached through a kubeconfig) complete the graph; without, the plan's dependencies on
/// Kubernetes objects are dropped, so the GCP stages form the whole graph. With <c>images</c>, the plan's container
/// images point at a fake registry and deploy builds and pushes them from the sources (a real <c>dotnet publish</c>,
/// ~30–60 s); without, they are dropped from the plan, as for an app that builds none.
/// </summary>
internal sealed class GcpDeployment : IAsyncDisposable
{
    public const string Project = "my-project";

    public const long ProjectNumber = 123456789012;

    /// <summary>The registry and repository path of the golden plan's images.</summary>
    public const string GoldenRegistry = "us-central1-docker.pkg.dev/my-project/vllm";

    /// <summary>Every object of the golden manifests (the AppHost's), as the fake API server stores it.</summary>
    public static readonly (string Plural, string? Namespace, string Name)[] PublishedObjects =
    [
        ("namespaces", null, "vllm"),
        ("namespaces", null, "custom-metrics"),
        ("serviceaccounts", "vllm", "vllm"),
        ("serviceaccounts", "vllm", "gemma-7b-bake"),
        ("persistentvolumes", null, "gemma-7b-d64e632c-bake"),
        ("persistentvolumeclaims", "vllm", "gemma-7b-d64e632c-bake"),
        ("jobs", "vllm", "gemma-7b-d64e632c-bake"),
        ("persistentvolumes", null, "gemma-7b-d64e632c-us-central1-a"),
        ("persistentvolumeclaims", "vllm", "gemma-7b-d64e632c-us-central1-a"),
        ("deployments", "vllm", "vllm"),
        ("services", "vllm", "vllm"),
        ("podmonitorings", "vllm", "vllm"),
        ("deployments", "custom-metrics", "custom-metrics-stackdriver-adapter"),
        ("horizontalpodautoscalers", "vllm", "vllm"),
    ];

    private static readonly string Dll = typeof(StageRunner).Assembly.Location;

    private readonly string? _baseImage;

    private GcpDeployment(FakeGcp fake, PublishedFolder folder, GkePlan plan, FakeKubernetesApi? kubernetes, FakeRegistry? registry = null, string? baseImage = null)
    {
        Fake = fake;
        Folder = folder;
        Plan = plan;
        Kubernetes = kubernetes;
        Registry = registry;
        _baseImage = baseImage;
    }

    /// <summary>Gets the fake registry deploy pushes the plan's images to, when the deployment builds them.</summary>
    public FakeRegistry? Registry { get; }

    public FakeGcp Fake { get; }

    /// <summary>Gets the fake Kubernetes API server, when the deployment includes the manifests.</summary>
    public FakeKubernetesApi? Kubernetes { get; }

    /// <summary>Gets the golden publish output's folder.</summary>
    public static string GoldenDirectory => Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden");

    public PublishedFolder Folder { get; }

    public GkePlan Plan { get; }

    /// <summary>Gets the disks a converged deploy leaves: every planned disk except the image-cache builder's.</summary>
    public IReadOnlyList<string> PlannedDisks => [.. PlannedNames("compute.disks.insert")
        .Where(d => !Plan.Steps.Any(s => s.ApiMethod == "compute.instances.insert" && s.DependsOn.Steps.Contains(d.Id)))
        .Select(d => $"projects/{Project}/zones/{ZoneOf(d.Url)}/disks/{d.Name}").Order(StringComparer.Ordinal)];

    /// <summary>Gets the images of the plan.</summary>
    public IReadOnlyList<string> PlannedImages => [.. PlannedNames("compute.images.insert").Select(i => $"projects/{Project}/global/images/{i.Name}").Order(StringComparer.Ordinal)];

    /// <summary>Gets the node pools of the plan.</summary>
    public IReadOnlyList<string> PlannedNodePools => [.. Plan.Steps.Where(s => s.ApiMethod == "container.projects.locations.clusters.nodePools.create")
        .Select(s => $"projects/{Project}/locations/{Plan.Location}/clusters/{Plan.Cluster}/nodePools/{s.Body!["nodePool"]!["name"]!.GetValue<string>()}")];

    /// <summary>Gets the golden publish output of the same model with our metrics adapter (the same plan, other manifests).</summary>
    public static string GoldenShimAdapterDirectory => Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "GoldenShimAdapter");

    /// <param name="kubernetes">Whether the manifests and a fake Kubernetes API server are part of the deployment.</param>
    /// <param name="images">Whether deploy builds and pushes the plan's images to a fake registry.</param>
    /// <param name="manifests">The folder of published manifests; the golden <c>kubernetes/</c> folder when omitted.</param>
    public static async Task<GcpDeployment> StartAsync(bool kubernetes = false, bool images = false, string? manifests = null)
    {
        var fake = await FakeGcp.StartAsync();
        fake.ResourceManager.AddProject(Project, ProjectNumber);
        fake.Container.AddCluster(Project, "us-central1", "vllm-cluster");
        var planJson = await File.ReadAllTextAsync(Path.Combine(GoldenDirectory, "gke-plan.json"));
        FakeRegistry? registry = null;
        string? baseImage = null;
        string Retarget(string text) => registry is null ? text : text.Replace(GoldenRegistry, $"{registry.Host}/my-project/vllm", StringComparison.Ordinal);
        if (images)
        {
            registry = await FakeRegistry.StartAsync();
            baseImage = registry.SeedBaseImage("dotnet/aspnet", "10.0");
        }

        var plan = JsonSerializer.Deserialize<GkePlan>(Retarget(planJson))!;
        if (!images)
        {
            // An app without images of ours: no image stages, and nothing waits for them.
            plan = plan with { ContainerImages = [], Steps = [.. plan.Steps.Select(s => s with { DependsOn = s.DependsOn with { ContainerImages = [] } })] };
        }

        if (!kubernetes)
        {
            plan = plan with { Steps = [.. plan.Steps.Select(s => s with { DependsOn = s.DependsOn with { KubernetesObjects = [] } })] };
            return new GcpDeployment(fake, new PublishedFolder(plan.ToJson()), plan, null, registry, baseImage);
        }

        var folder = new PublishedFolder(plan.ToJson());
        foreach (var file in Directory.EnumerateFiles(manifests ?? Path.Combine(GoldenDirectory, "kubernetes")))
        {
            await File.WriteAllTextAsync(Path.Combine(folder.Root, "kubernetes", Path.GetFileName(file)), Retarget(await File.ReadAllTextAsync(file)));
        }

        var cluster = await FakeKubernetesApi.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(folder.Root, "kubeconfig"), cluster.Kubeconfig());
        return new GcpDeployment(fake, folder, plan, cluster, registry, baseImage);
    }

    /// <summary>
    /// Rewrites the published folder as publish would after the weights' source or revision changed: every weights
    /// object gets the new version in its name and labels, and each plan step that creates one a new requestId.
    /// </summary>
    /// <param name="from">The version in the published names now, e.g. <c>d64e632c</c>.</param>
    /// <param name="to">The new version.</param>
    public async Task PublishNewWeightsVersionAsync(string from, string to)
    {
        var planPath = Path.Combine(Folder.Root, "gke-plan.json");
        var plan = JsonSerializer.Deserialize<GkePlan>((await File.ReadAllTextAsync(planPath)).Replace(from, to, StringComparison.Ordinal))!;
        plan = plan with
        {
            Steps = [.. plan.Steps.Select(s => s.Id.Contains(to, StringComparison.Ordinal)
                ? s with { Url = System.Text.RegularExpressions.Regex.Replace(s.Url, "requestId=[0-9a-f-]+", $"requestId={Guid.NewGuid()}") }
                : s)],
        };
        await File.WriteAllTextAsync(planPath, plan.ToJson());
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Folder.Root, "kubernetes")).ToList())
        {
            var text = await File.ReadAllTextAsync(file);
            File.Delete(file);
            await File.WriteAllTextAsync(file.Replace(from, to, StringComparison.Ordinal), text.Replace(from, to, StringComparison.Ordinal));
        }
    }

    /// <summary>How long a Provisioner run may take before the test gives up on it: longer than the image build's own
    /// deadline (Deploy:Images:BuildTimeout, 3 min in the tests), which a real <c>dotnet publish</c> on a loaded 2-core
    /// machine may take most of.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Starts <c>dotnet VllmAspire.Provisioner.dll VERB --from DIR</c> pointed at the fakes with short timings.</summary>
    public TestProcess Start(string verb, params string[] extra)
    {
        var environment = Environment();
        foreach (var (key, value) in ExtraEnvironment)
        {
            environment[key] = value;
        }

        environment["COLUMNS"] = "400";
        return TestProcess.StartDotnet(Dll, [verb, "--from", Folder.Root, .. extra], new TestProcessOptions { Environment = environment });
    }

    /// <summary>Gets settings a test adds to the processes' environment, e.g. where to export traces.</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = [];

    /// <summary>Gets the environment that points a Provisioner process at the fakes with short timings.</summary>
    public Dictionary<string, string?> Environment()
    {
        var settings = Fake.ClientConfiguration();
        settings["Gcp:Retry:MaxRetryAttempts"] = "12";
        settings["Gcp:Retry:BaseDelay"] = "00:00:00.005";
        settings["Gcp:Retry:MaxDelay"] = "00:00:00.050";
        settings["Gcp:OperationTimeout"] = "00:00:20";
        settings["Gcp:ContainerPollInterval"] = "00:00:00.010";
        settings["Gcp:Stages:BuilderTimeout"] = "00:00:10";
        settings["Gcp:Stages:SerialPollInterval"] = "00:00:00.010";
        settings["Gcp:Stages:PollInterval"] = "00:00:00.010";
        settings["Gcp:Stages:ReadyTimeout"] = "00:00:10";
        settings["Gcp:Stages:CleanupTimeout"] = "00:00:10";
        settings["Gcp:Stages:IamBaseDelay"] = "00:00:00.005";
        var environment = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            // Environment variables, as a deployment in CI would set them; ':' is spelled '__'.
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (Kubernetes is not null)
        {
            environment["KUBECONFIG"] = Path.Combine(Folder.Root, "kubeconfig");
            environment["Kubernetes__Waits__PollInterval"] = "00:00:00.020";
            foreach (var wait in new[] { "JobTimeout", "RolloutTimeout", "ClaimBindTimeout", "DeletionTimeout" })
            {
                environment[$"Kubernetes__Waits__{wait}"] = "00:00:30";
            }
        }

        if (Registry is not null)
        {
            // As the AppHost's deploy verb passes it; the base image comes from the fake registry, not mcr.microsoft.com.
            environment["Deploy__RepositoryRoot"] = RepositoryPaths.Root;
            environment["Deploy__Images__BaseImage"] = _baseImage;
            environment["Deploy__Images__BuildTimeout"] = "00:03:00";
        }

        return environment;
    }

    /// <summary>Runs a verb to its end.</summary>
    public async Task<(int Exit, string Output)> RunAsync(string verb, params string[] extra)
    {
        using var process = Start(verb, extra);
        var exit = await process.WaitForExitAsync(RunTimeout);
        return (exit, process.Describe());
    }

    /// <summary>Asserts the fakes hold exactly the planned objects (and any others given), the IAM binding, no VM, and saw only valid requests.</summary>
    public void AssertConverged(IEnumerable<string>? otherDisks = null, IEnumerable<string>? otherImages = null)
    {
        Assert.Equal(PlannedDisks.Concat(otherDisks ?? []).Order(StringComparer.Ordinal), Fake.Compute.Disks.Order(StringComparer.Ordinal));
        Assert.Equal(PlannedImages.Concat(otherImages ?? []).Order(StringComparer.Ordinal), Fake.Compute.Images.Order(StringComparer.Ordinal));
        Assert.Empty(Fake.Compute.Instances);
        Assert.Equal(PlannedNodePools, Fake.Container.NodePools);
        Assert.All(PlannedMembers(), m => Assert.True(HasBinding(m.Role, m.Member), $"no {m.Role} binding for {m.Member}"));
        Assert.Empty(Fake.InvalidRequests);
    }

    /// <summary>Asserts the fake API server holds every object of the golden manifests.</summary>
    /// <param name="output">The run's output, shown when one is missing.</param>
    public void AssertPublishedObjectsApplied(string output) =>
        Assert.All(PublishedObjects, o => Assert.True(Kubernetes!.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} was not applied:\n{output}"));

    private IEnumerable<(string Id, string Name, string Url)> PlannedNames(string method) =>
        Plan.Steps.Where(s => s.ApiMethod == method).Select(s => (s.Id, s.Body!["name"]!.GetValue<string>(), s.Url));

    private static string ZoneOf(string url) => url.Split("/zones/")[1].Split('/')[0];

    /// <summary>Gets the role bindings the plan adds to the project policy.</summary>
    public IEnumerable<(string Role, string Member)> PlannedMembers()
    {
        var step = Plan.Steps.Single(s => s.ApiMethod == "cloudresourcemanager.projects.setIamPolicy");
        foreach (var binding in step.Body!["policy"]!["bindings"]!.AsArray())
        {
            foreach (var member in binding!["members"]!.AsArray())
            {
                yield return (binding["role"]!.GetValue<string>(), member!.GetValue<string>().Replace("{projectNumber}", $"{ProjectNumber}", StringComparison.Ordinal));
            }
        }
    }

    public bool HasBinding(string role, string member) =>
        Fake.ResourceManager.Policy(Project)["bindings"]?.AsArray().Any(b => b!["role"]!.GetValue<string>() == role
            && b["members"]!.AsArray().Any(m => m!.GetValue<string>() == member)) == true;

    public async ValueTask DisposeAsync()
    {
        if (Kubernetes is not null)
        {
            await Kubernetes.DisposeAsync();
        }

        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        await Fake.DisposeAsync();
        Folder.Dispose();
    }
}
