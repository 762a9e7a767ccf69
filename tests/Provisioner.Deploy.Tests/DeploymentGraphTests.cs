using k8s;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Testing;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The graph composed from the AppHost model's published output (the publishing golden files).</summary>
public sealed class DeploymentGraphTests
{
    [Fact]
    public void The_sidecar_image_comes_before_the_image_cache_the_node_pool_and_the_workload_and_prune_comes_last()
    {
        using var services = Services($"--{DeploymentGraph.RepositoryRootKey}={RepositoryPaths.Root}");
        var graph = StageGraph.Create(DeploymentGraph.Build(PublishedApp.Load(GcpDeployment.GoldenDirectory), services));

        var pool = graph.Stages.Single(s => s is NodePoolStage).Name;
        // Each stage waits (directly or through others) for the one before it.
        string[] chain = ["image-vllm-aspire-provisioner", "image-cache", pool, "workload-vllm", GcpPruneStage.StageName];
        for (var i = 1; i < chain.Length; i++)
        {
            Assert.True(Prerequisites(graph, chain[i]).Contains(chain[i - 1]), $"{chain[i]} does not wait for {chain[i - 1]}; it waits for {string.Join(", ", Prerequisites(graph, chain[i]))}");
        }

        // The workload's pods run the sidecar image: it waits for the image directly, not only through the node pool.
        Assert.Contains("image-vllm-aspire-provisioner", graph.GetDependencies("workload-vllm"));
        Assert.Equal(["hpa", "workload-vllm"], graph.GetDependencies(GcpPruneStage.StageName).Order(StringComparer.Ordinal));
        Assert.Empty(graph.GetDependents(GcpPruneStage.StageName));
    }

    [Fact]
    public void Without_the_repository_root_a_plan_with_images_is_bad_input_that_says_how_to_pass_it()
    {
        using var services = Services();

        var error = Assert.Throws<DeploymentInputException>(() => DeploymentGraph.Build(PublishedApp.Load(GcpDeployment.GoldenDirectory), services));

        Assert.Contains("vllm-aspire-provisioner", error.Message, StringComparison.Ordinal);
        Assert.Contains($"--{DeploymentGraph.RepositoryRootKey}=PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metrics_adapter_and_the_workload_wait_for_the_images_of_ours_their_pods_run()
    {
        // The publishing golden files of a model with our metrics adapter: both images come from the registry.
        const string registry = "us-docker.pkg.dev/my-project/vllm-aspire";
        var manifests = VllmAspire.Provisioner.Kubernetes.ManifestSet.Load(Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "GoldenShimAdapter"));
        var plan = new VllmAspire.Contracts.Plan.GkePlan
        {
            Project = "my-project",
            Location = "us-central1",
            Cluster = "vllm-cluster",
            Steps = [],
            ContainerImages =
            [
                new() { Reference = $"{registry}/vllm-aspire-provisioner:1.0.0", Project = "Provisioner/Provisioner.csproj" },
                new() { Reference = $"{registry}/vllm-aspire-metrics-adapter:1.0.0", Project = "MetricsAdapterShim/MetricsAdapterShim.csproj" },
            ],
        };

        var stages = VllmAspire.Provisioner.Stages.Kubernetes.KubernetesStageFactory.Create(manifests, plan).ToDictionary(s => s.Name);

        Assert.Contains($"{registry}/vllm-aspire-metrics-adapter:1.0.0", stages["metrics-adapter"].DependsOn);
        Assert.DoesNotContain($"{registry}/vllm-aspire-provisioner:1.0.0", stages["metrics-adapter"].DependsOn);
        Assert.Contains($"{registry}/vllm-aspire-provisioner:1.0.0", stages["workload-vllm"].DependsOn);
        // vLLM's own image is not built by deploy: nothing waits for it.
        Assert.DoesNotContain(stages.Values.SelectMany(s => s.DependsOn), d => d.Contains("vllm-openai", StringComparison.Ordinal));
    }

    private static ServiceProvider Services(params string[] arguments) =>
        DeploymentServices.Build(DeploymentServices.BuildConfiguration(arguments),
            // A client that is never called: building the graph only checks that one exists.
            s => s.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" })));

    private static HashSet<string> Prerequisites(StageGraph graph, string stage)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(graph.GetDependencies(stage));
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var dependency in graph.GetDependencies(next))
                {
                    pending.Push(dependency);
                }
            }
        }

        return seen;
    }
}
