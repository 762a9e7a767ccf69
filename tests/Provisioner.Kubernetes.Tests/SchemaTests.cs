using VllmAspire.Testing;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>
/// The fake decodes strictly (undeclared fields, wrong JSON types) in C#; required fields, formats and the CRD schema are
/// checked here by running every body it accepted through the npm validator of tests/schema (official Kubernetes schemas).
/// </summary>
public sealed class SchemaTests
{
    [Fact]
    public async Task EveryBodyTheFakeAccepted_PassesTheOfficialSchemas()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        var dir = Directory.CreateTempSubdirectory("k8s-applied-");
        try
        {
            var bodies = bed.Fake.AcceptedApplyBodies;
            Assert.Equal(bed.Manifests.Objects.Count, bodies.Count);
            for (var i = 0; i < bodies.Count; i++)
            {
                // JSON is YAML, so the validator reads the bodies as sent.
                File.WriteAllText(Path.Combine(dir.FullName, $"{i:00}.yaml"), bodies[i].ToJsonString());
            }

            var (exitCode, output) = await KubernetesSchemaValidator.ValidateAsync(Directory.GetFiles(dir.FullName));

            Assert.True(exitCode == 0, output);
            Assert.Contains($"{bodies.Count} file(s), 0 problem(s)", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
