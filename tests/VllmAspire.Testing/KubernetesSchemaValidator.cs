using System.Diagnostics;

namespace VllmAspire.Testing;

/// <summary>
/// Runs tests/schema/validate.mjs: built-in kinds against the official Kubernetes schemas (npm kubernetes-models), custom
/// resources against the CRDs of reference/schemas. test.sh installs its packages with <c>npm ci</c>.
/// </summary>
public static class KubernetesSchemaValidator
{
    /// <summary>Validates manifest files (YAML or JSON).</summary>
    /// <param name="files">The files.</param>
    /// <returns>The validator's exit code and output (one line per problem, then <c>N file(s), N problem(s)</c>).</returns>
    /// <exception cref="InvalidOperationException">tests/schema/node_modules is missing.</exception>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(IEnumerable<string> files)
    {
        var schemaDir = Path.Combine(RepositoryPaths.Root, "tests", "schema");
        if (!Directory.Exists(Path.Combine(schemaDir, "node_modules", "kubernetes-models")))
        {
            throw new InvalidOperationException("tests/schema/node_modules is missing: run `npm ci` in tests/schema (test.sh does this).");
        }

        var startInfo = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = schemaDir };
        startInfo.ArgumentList.Add(Path.Combine(schemaDir, "validate.mjs"));
        startInfo.ArgumentList.Add(RepositoryPaths.Schemas);
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
