using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>
/// Every published object passes the official Kubernetes schemas (npm kubernetes-models) and the PodMonitoring CRD
/// schema of reference/schemas, through tests/schema/validate.mjs (test.sh installs its packages with npm ci).
/// </summary>
[Collection(PublishedAppHostCollection.Name)]
public sealed class KubernetesSchemaTests(PublishedAppHost published)
{
    [Fact]
    public async Task EveryPublishedObject_PassesTheOfficialSchemas()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        var files = Directory.EnumerateFiles(Path.Combine(published.Output, "kubernetes"), "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        Assert.Contains(files, f => f.EndsWith("podmonitoring-vllm.yaml", StringComparison.Ordinal));
        var (exitCode, output) = await KubernetesSchemaValidator.ValidateAsync(files);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"{files.Count} file(s), 0 problem(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheValidator_RejectsWrongTypesAndUnknownCrdFields()
    {
        var dir = Directory.CreateTempSubdirectory("vllm-aspire-schema-").FullName;
        try
        {
            var deployment = File.ReadAllText(Path.Combine(published.Output, "kubernetes", "deployment-vllm.yaml")).Replace("replicas: 1", "replicas: one", StringComparison.Ordinal);
            var monitoring = File.ReadAllText(Path.Combine(published.Output, "kubernetes", "podmonitoring-vllm.yaml")).Replace("interval: 15s", "intervall: 15s", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "deployment.yaml"), deployment);
            File.WriteAllText(Path.Combine(dir, "podmonitoring.yaml"), monitoring);
            var (exitCode, output) = await KubernetesSchemaValidator.ValidateAsync(Directory.GetFiles(dir));
            Assert.Equal(1, exitCode);
            Assert.Contains("spec/replicas must be integer", output, StringComparison.Ordinal);
            Assert.Contains("\"additionalProperty\":\"intervall\"", output, StringComparison.Ordinal);
            Assert.Contains("required property 'interval'", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
