using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using VllmAspire.Hosting.Cli;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The AppHost's <c>deploy</c> and <c>destroy</c>: publish into the data folder, then the Provisioner as a child process.</summary>
public sealed class AppHostDeployVerbTests : IDisposable
{
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["gcp-project"] = "my-project",
        ["gcp-location"] = "us-central1",
        ["gcp-zone"] = "us-central1-a",
        ["gke-cluster"] = "vllm-cluster",
        ["container-registry"] = "us-central1-docker.pkg.dev/my-project/vllm",
    };

    private readonly string _root = Directory.CreateTempSubdirectory("vllm-aspire-apphost-deploy-").FullName;

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Runs the real AppHost with a throw-away data folder and home, and no GCP credentials unless given.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> RunAppHostAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(new Projects.AppHost().TargetPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add($"--AppHost:DataDirectory={DataDirectory}");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Parameters__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("GOOGLE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment.Remove("CLOUDSDK_CONFIG");
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        start.Environment["HOME"] = _root;
        start.Environment["COLUMNS"] = "400";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("destroy")]
    public async Task Without_parameters_it_exits_2_before_publishing_or_starting_the_provisioner(string verb)
    {
        var (exit, stdout, stderr) = await RunAppHostAsync(new Dictionary<string, string>(), verb, "--dry-run");

        Assert.Equal(2, exit);
        Assert.Contains("Parameter 'gcp-project' is missing", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(DataDirectory, "publish", "gke-plan.json")));
        Assert.DoesNotContain("--from", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_publishes_into_the_data_folder_and_passes_the_provisioners_exit_code_through()
    {
        var environment = Parameters.ToDictionary(p => $"Parameters__{p.Key}", p => p.Value);
        var (exit, stdout, stderr) = await RunAppHostAsync(environment, "deploy", "--dry-run");

        // Published by the AppHost, then refused by the Provisioner child: its credentials check is exit code 2.
        Assert.True(File.Exists(Path.Combine(DataDirectory, "publish", "gke-plan.json")), stdout + stderr);
        Assert.True(Directory.Exists(Path.Combine(DataDirectory, "publish", "kubernetes")));
        Assert.Equal(2, exit);
        Assert.Contains("No GCP credentials", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_argument_is_bad_input()
    {
        var (exit, _, stderr) = await RunAppHostAsync(new Dictionary<string, string>(), "destroy", "--yes");

        Assert.Equal(2, exit);
        Assert.Contains("'--yes'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provisioner_gets_the_verb_the_folder_the_dry_run_flag_and_every_Gcp_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gcp:Endpoints:Compute"] = "http://127.0.0.1:5001",
            ["Gcp:Endpoints:Container"] = "http://127.0.0.1:5002",
            ["Dashboard:Url"] = "http://127.0.0.1:18888",
        }).Build();

        var arguments = new DestroyCommand().BuildArguments("/p/VllmAspire.Provisioner.dll", "/data/publish", dryRun: true, configuration, "/src");

        Assert.Equal(
            ["/p/VllmAspire.Provisioner.dll", "destroy", "--from", "/data/publish", "--dry-run", "--Deploy:RepositoryRoot=/src", "--Gcp:Endpoints:Compute=http://127.0.0.1:5001", "--Gcp:Endpoints:Container=http://127.0.0.1:5002"],
            arguments);
    }

    [Fact]
    public void The_repository_root_is_the_folder_above_the_provisioner_project_that_holds_the_solution()
    {
        Assert.Equal(VllmAspire.Testing.RepositoryPaths.Root.TrimEnd('/'), ProvisionerVerbCommand.FindRepositoryRoot(Path.Combine(VllmAspire.Testing.RepositoryPaths.Root, "Provisioner", "Provisioner.csproj")));
        Assert.Null(ProvisionerVerbCommand.FindRepositoryRoot(Path.Combine(_root, "Provisioner", "Provisioner.csproj")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
