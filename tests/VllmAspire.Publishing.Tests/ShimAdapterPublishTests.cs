using k8s;
using k8s.Models;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Publishing;

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
            model.Parameters[ShimMetricsAdapterManifests.RegistryParameterName] = Registry;
            using (var app = model.Build())
            {
                var errors = new StringWriter();
                Assert.True(GkePublisher.Publish(app.Model, output, TextWriter.Null, errors) == 0, errors.ToString());
            }

            var kubernetes = Path.Combine(output, "kubernetes");
            var actual = Directory.EnumerateFiles(kubernetes).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
            if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            {
                if (Directory.Exists(GoldenFolder))
                {
                    Directory.Delete(GoldenFolder, recursive: true);
                }

                Directory.CreateDirectory(GoldenFolder);
                foreach (var (file, text) in actual)
                {
                    File.WriteAllText(Path.Combine(GoldenFolder, file), text);
                }
            }

            var expected = Directory.EnumerateFiles(GoldenFolder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach (var (file, text) in expected)
            {
                Assert.True(text == actual[file], $"{file} differs from its golden copy; run with UPDATE_GOLDEN=1 to accept the new output and review the diff.");
            }

            var files = actual.Keys.Where(f => f != "kustomization.yaml").Select(f => Path.Combine(kubernetes, f)).ToList();
            var (exitCode, validation) = await KubernetesSchemaTests.ValidateAsync(files);
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
        Assert.Equal($"{Registry}/vllm-aspire-metrics-adapter:{ShimMetricsAdapterManifests.ImageTag}", container.Image);
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
        using var app = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim }.Build();
        Assert.Null(GkePublishModel.TryCreate(app.Model, out var problems));
        Assert.Contains(problems, p => p.StartsWith("Parameter 'container-registry' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void OurAdapter_WithARegistryUrl_IsAProblemShowingTheExpectedForm()
    {
        var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim };
        model.Parameters[ShimMetricsAdapterManifests.RegistryParameterName] = "https://us-docker.pkg.dev/my-project/";
        using var app = model.Build();
        Assert.Null(GkePublishModel.TryCreate(app.Model, out var problems));
        Assert.Contains(problems, p => p.Contains("is not an image registry path", StringComparison.Ordinal) && p.Contains("us-docker.pkg.dev/my-project/vllm-aspire", StringComparison.Ordinal));
    }

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(string registry)
    {
        var model = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim };
        model.Parameters[ShimMetricsAdapterManifests.RegistryParameterName] = registry;
        using var app = model.Build();
        var publish = GkePublishModel.TryCreate(app.Model, out var problems);
        Assert.Empty(problems);
        return KubernetesManifestBuilder.Build(publish!);
    }
}
