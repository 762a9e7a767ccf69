using System.Diagnostics;
using VllmAspire.Testing.Fakes.Kubernetes;

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

            var (exitCode, output) = await ValidateAsync(Directory.GetFiles(dir.FullName));

            Assert.True(exitCode == 0, output);
            Assert.Contains($"{bodies.Count} file(s), 0 problem(s)", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> ValidateAsync(IEnumerable<string> files)
    {
        Assert.True(Directory.Exists(Path.Combine(Paths.SchemaValidator, "node_modules", "kubernetes-models")),
            "tests/schema/node_modules is missing: run `npm ci` in tests/schema (test.sh does this).");
        var startInfo = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.SchemaValidator };
        startInfo.ArgumentList.Add(Path.Combine(Paths.SchemaValidator, "validate.mjs"));
        startInfo.ArgumentList.Add(ReferencePaths.Schemas);
        foreach (var file in files)
        {
            startInfo.ArgumentList.Add(file);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
