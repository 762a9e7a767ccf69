using System.Diagnostics;
using System.Text.Json;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The fake Google APIs on loopback and a published folder with the AppHost model's plan (the publishing golden file),
/// deployed by the real Provisioner executable as a child process. Until the Kubernetes stages exist, the plan's
/// dependencies on Kubernetes objects are dropped, so the GCP stages form the whole graph.
/// </summary>
internal sealed class GcpDeployment : IAsyncDisposable
{
    public const string Project = "my-project";

    public const long ProjectNumber = 123456789012;

    private static readonly string Dll = typeof(StageRunner).Assembly.Location;

    private GcpDeployment(FakeGcp fake, PublishedFolder folder, GkePlan plan)
    {
        Fake = fake;
        Folder = folder;
        Plan = plan;
    }

    public FakeGcp Fake { get; }

    public PublishedFolder Folder { get; }

    public GkePlan Plan { get; }

    /// <summary>What a converged deploy leaves: every planned object except the image-cache builder's VM and disk.</summary>
    public static IReadOnlyList<string> PlannedDisks { get; } =
        ["projects/my-project/zones/us-central1-a/disks/gemma-7b-bake", "projects/my-project/zones/us-central1-a/disks/gemma-7b-us-central1-a"];

    public static IReadOnlyList<string> PlannedImages { get; } =
        ["projects/my-project/global/images/gemma-7b-weights", "projects/my-project/global/images/gke-image-cache"];

    public static IReadOnlyList<string> PlannedNodePools { get; } =
        ["projects/my-project/locations/us-central1/clusters/vllm-cluster/nodePools/vllm-pool"];

    public static async Task<GcpDeployment> StartAsync()
    {
        var fake = await FakeGcp.StartAsync();
        fake.ResourceManager.AddProject(Project, ProjectNumber);
        fake.Container.AddCluster(Project, "us-central1", "vllm-cluster");
        var golden = Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden", "gke-plan.json");
        var plan = JsonSerializer.Deserialize<GkePlan>(await File.ReadAllTextAsync(golden))!;
        plan = plan with { Steps = [.. plan.Steps.Select(s => s with { DependsOn = [.. s.DependsOn.Where(d => !d.StartsWith("kubernetes/", StringComparison.Ordinal))] })] };
        return new GcpDeployment(fake, new PublishedFolder(plan.ToJson()), plan);
    }

    /// <summary>Starts <c>dotnet VllmAspire.Provisioner.dll VERB --from DIR</c> pointed at the fakes with short timings.</summary>
    public ProvisionerProcess Start(string verb, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Dll, verb, "--from", Folder.Root }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

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
        foreach (var (key, value) in settings)
        {
            // Environment variables, as a deployment in CI would set them; ':' is spelled '__'.
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["COLUMNS"] = "400";
        return new ProvisionerProcess(Process.Start(start)!);
    }

    /// <summary>Runs a verb to its end.</summary>
    public async Task<(int Exit, string Output)> RunAsync(string verb, params string[] extra)
    {
        using var process = Start(verb, extra);
        var exit = await process.WaitAsync();
        return (exit, process.Output);
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
        await Fake.DisposeAsync();
        Folder.Dispose();
    }
}
