using k8s;
using k8s.Models;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>Publishing with our MetricsAdapterShim as the cluster's custom-metrics adapter.</summary>
public sealed class ShimAdapterPublishTests
{
    private const string Registry = "us-docker.pkg.dev/my-project/vllm-aspire";

    private static string GoldenFolder => Path.Combine(Paths.RepositoryRoot, "tests", "VllmAspire.Publishing.Tests", "GoldenShimAdapter");

    [Fact]
    public async Task Publish_WritesTheGoldenShimAdapterManifests_WhichPassTheOfficialSchemas()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("vllm-aspire-shim-publish-").FullName, "out");
        try
        {
            var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim };
            model.Parameters[GkeEnvironmentBuilderExtensions.ContainerRegistryParameterName] = Registry;
            using (var app = model.Build())
            {
                var problems = app.Publish(output).Problems;
                Assert.True(problems.Count == 0, string.Join('\n', problems));
            }

            // Deploy builds and pushes the adapter's image: the plan lists it with its project.
            var plan = System.Text.Json.JsonSerializer.Deserialize<VllmAspire.Contracts.Plan.GkePlan>(File.ReadAllText(Path.Combine(output, "gke-plan.json")))!;
            Assert.Contains(plan.ContainerImages, i => i.Reference == ShimMetricsAdapterManifests.ImageReference(Registry) && i.Project == "MetricsAdapterShim/MetricsAdapterShim.csproj");
            var kubernetes = Path.Combine(output, "kubernetes");
            GoldenFiles.AssertMatches(kubernetes, GoldenFolder);
            var files = Directory.EnumerateFiles(kubernetes, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
            var (exitCode, validation) = await KubernetesSchemaValidator.ValidateAsync(files);
            Assert.True(exitCode == 0, validation);
            Assert.Contains($"{files.Count} file(s), 0 problem(s)", validation, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public void OurAdapter_IsHighlyAvailable_Hardened_AndPublishesNoKeyOrCaBundle()
    {
        var objects = Build(Registry);

        Assert.DoesNotContain(objects, o => o.Metadata.NamespaceProperty == GoogleMetricsAdapterManifests.Namespace);
        Assert.DoesNotContain(objects, o => o is V1Secret);
        var apiServices = objects.OfType<V1APIService>().ToList();
        Assert.Equal(["v1beta1.custom.metrics.k8s.io", "v1beta2.custom.metrics.k8s.io"], apiServices.Select(a => a.Metadata.Name));
        Assert.All(apiServices, a =>
        {
            // The shim sets caBundle at start from the certificate it issues; nothing may skip verification.
            Assert.Null(a.Spec.CaBundle);
            Assert.NotEqual(true, a.Spec.InsecureSkipTLSVerify);
            Assert.Equal((ShimMetricsAdapterManifests.Name, ShimMetricsAdapterManifests.Namespace, 443), (a.Spec.Service.Name, a.Spec.Service.NamespaceProperty, a.Spec.Service.Port));
        });
        Assert.Equal(200, apiServices.Single(a => a.Spec.Version == "v1beta2").Spec.VersionPriority);

        var deployment = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == ShimMetricsAdapterManifests.Name);
        Assert.Equal(2, deployment.Spec.Replicas);
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal($"{Registry}/vllm-aspire-metrics-adapter:{ProvisionerContainerImage.Tag}", container.Image);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("HTTPS", container.ReadinessProbe.HttpGet.Scheme);
        Assert.Equal("front-proxy", container.Env.Single(e => e.Name == "MetricsAdapter__Authentication").Value);
        Assert.Equal("vllm:num_requests_waiting", container.Env.Single(e => e.Name == "MetricsAdapter__Metrics__0").Value);
        Assert.NotEmpty(pod.TopologySpreadConstraints);
        var budget = objects.OfType<V1PodDisruptionBudget>().Single();
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        var service = objects.OfType<V1Service>().Single(s => s.Metadata.Name == ShimMetricsAdapterManifests.Name);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);

        // The certificate's Secret may be written only by name (create cannot be limited by name in RBAC).
        var certificateRole = objects.OfType<V1Role>().Single();
        Assert.Contains(certificateRole.Rules, r => r.ResourceNames?.SequenceEqual([ShimMetricsAdapterManifests.CertificateSecret]) == true && r.Verbs.Contains("update"));
        Assert.Contains(objects.OfType<V1ClusterRoleBinding>(), b => b.RoleRef.Name == "system:auth-delegator" && b.Subjects.Single().Name == ShimMetricsAdapterManifests.Name);
        Assert.Contains(objects.OfType<V1RoleBinding>(), b => b.Metadata.NamespaceProperty == "kube-system" && b.RoleRef.Name == "extension-apiserver-authentication-reader");

        var hpa = objects.OfType<V2HorizontalPodAutoscaler>().Single();
        Assert.Equal("vllm:num_requests_waiting", hpa.Spec.Metrics[0].Pods.Metric.Name);
    }

    [Fact]
    public void OurAdapter_WithoutARegistry_IsAProblemNamingTheParameter()
    {
        // No prefetch sidecar, so the registry is needed for our adapter alone.
        var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim, LoadStrategy = VllmLoadStrategy.Default };
        model.Parameters.Remove(GkeEnvironmentBuilderExtensions.ContainerRegistryParameterName);
        using var app = model.Build();
        Assert.Null(app.TryCreatePublishModel(out var problems));
        var problem = Assert.Single(problems);
        Assert.StartsWith("Parameter 'container-registry' is missing", problem, StringComparison.Ordinal);
        Assert.Contains("MetricsAdapterKind.VllmAspireShim", problem, StringComparison.Ordinal);
        Assert.Contains("Parameters__container-registry", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OurAdapter_WithARegistryUrl_IsAProblemShowingTheExpectedForm()
    {
        var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim, LoadStrategy = VllmLoadStrategy.Default };
        model.Parameters[GkeEnvironmentBuilderExtensions.ContainerRegistryParameterName] = "https://us-docker.pkg.dev/my-project/";
        using var app = model.Build();
        Assert.Null(app.TryCreatePublishModel(out var problems));
        var problem = Assert.Single(problems);
        Assert.Contains("is not a registry and repository path for our adapter's image", problem, StringComparison.Ordinal);
        Assert.Contains("us-central1-docker.pkg.dev/my-project/vllm", problem, StringComparison.Ordinal);
    }

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(string registry)
    {
        var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim };
        model.Parameters[GkeEnvironmentBuilderExtensions.ContainerRegistryParameterName] = registry;
        using var app = model.Build();
        var publish = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        return KubernetesManifestBuilder.Build(publish!);
    }
}
