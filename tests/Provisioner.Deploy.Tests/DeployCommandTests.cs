using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VllmAspire.Provisioner.Commands;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The <c>deploy</c> and <c>destroy</c> verbs: the real executable for bad input, in-process with test stages for runs.</summary>
public sealed class DeployCommandTests
{
    private static readonly string Dll = typeof(StageRunner).Assembly.Location;

    /// <summary>Runs the real Provisioner with no GCP credentials anywhere it could find them.</summary>
    private static async Task<(int Exit, string Output)> RunProcessAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var home = new TempHome();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var name in new[] { "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "KUBERNETES_SERVICE_HOST" })
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["HOME"] = home.Path;
        psi.Environment["COLUMNS"] = "400";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static readonly Dictionary<string, string> WithToken = new() { ["GOOGLE_OAUTH_ACCESS_TOKEN"] = "test-token" };

    [Theory]
    [InlineData("deploy")]
    [InlineData("destroy")]
    public async Task A_missing_folder_is_bad_input_naming_it_and_the_fix(string verb)
    {
        var missing = Path.Combine(Path.GetTempPath(), "vllm-aspire-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var (exit, output) = await RunProcessAsync(WithToken, verb, "--from", missing);

        Assert.Equal(2, exit);
        Assert.Contains($"the folder {missing} does not exist", output, StringComparison.Ordinal);
        Assert.Contains("publish -o DIR", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_a_plan_is_bad_input()
    {
        using var folder = new PublishedFolder();
        File.Delete(Path.Combine(folder.Root, "gke-plan.json"));
        var (exit, output) = await RunProcessAsync(WithToken, "deploy", "--from", folder.Root);

        Assert.Equal(2, exit);
        Assert.Contains("gke-plan.json is missing, so this is not a published folder", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"project\": ", "is not a valid GKE plan")]
    [InlineData("{\"project\": \"\", \"location\": \"l\", \"cluster\": \"c\", \"steps\": []}", "'project' is empty")]
    [InlineData("{\"location\": \"l\", \"cluster\": \"c\", \"steps\": []}", "missing required properties including: 'project'")]
    public async Task An_invalid_plan_is_bad_input_saying_what_is_wrong(string plan, string expected)
    {
        using var folder = new PublishedFolder(plan);
        var (exit, output) = await RunProcessAsync(WithToken, "deploy", "--from", folder.Root);

        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("Publish again", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_credentials_are_bad_input_naming_both_ways_to_give_them()
    {
        using var folder = new PublishedFolder();
        var (exit, output) = await RunProcessAsync(null, "deploy", "--from", folder.Root, "--dry-run");

        Assert.Equal(2, exit);
        Assert.Contains("No GCP credentials", output, StringComparison.Ordinal);
        Assert.Contains("gcloud auth application-default login", output, StringComparison.Ordinal);
        Assert.Contains("GOOGLE_OAUTH_ACCESS_TOKEN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credentials_file_that_does_not_exist_is_bad_input_naming_it()
    {
        using var folder = new PublishedFolder();
        var (exit, output) = await RunProcessAsync(new Dictionary<string, string> { ["GOOGLE_APPLICATION_CREDENTIALS"] = "/nonexistent/key.json" }, "destroy", "--from", folder.Root);

        Assert.Equal(2, exit);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS names /nonexistent/key.json, which does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_argument_is_bad_input()
    {
        using var folder = new PublishedFolder();
        var (exit, output) = await RunProcessAsync(WithToken, "deploy", "--from", folder.Root, "--force");
        Assert.Equal(2, exit);
        Assert.Contains("Unrecognized argument(s) '--force'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_from_option_the_verb_is_bad_input()
    {
        var (exit, output) = await RunProcessAsync(WithToken, "deploy");
        Assert.Equal(2, exit);
        Assert.Contains("--from", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunInProcessAsync(StageRunMode mode, Func<IReadOnlyList<IProvisioningStage>> stages, params string[] args)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        console.Profile.Width = 400;
        var errors = new StringWriter();
        var root = new RootCommand { DeployCommand.Create(mode, console, services => services.AddSingleton<StageComposer>((_, _) => stages()), errors) };
        var exit = await root.Parse([.. args, "--GOOGLE_OAUTH_ACCESS_TOKEN=test-token"]).InvokeAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, text.ToString() + errors);
    }

    [Fact]
    public async Task Deploy_runs_every_stage_prints_progress_and_a_summary_and_exits_0()
    {
        using var folder = new PublishedFolder();
        var log = new CallLog();
        var (exit, output) = await RunInProcessAsync(StageRunMode.Deploy, () => [new TestStage("image", log), new TestStage("pool", log, "image")], "deploy", "--from", folder.Root);

        Assert.Equal(0, exit);
        Assert.Equal(["image", "pool"], log.StagesThatDid("reconcile-end"));
        Assert.Contains($"deploy: 2 stages from {folder.Root} (project my-project, cluster vllm-cluster in us-central1)", output, StringComparison.Ordinal);
        Assert.Contains(" pool Running reconciling", output, StringComparison.Ordinal);
        Assert.Contains(" pool Succeeded created 1 object", output, StringComparison.Ordinal);
        Assert.Contains("deploy succeeded: 2 stages: 2 created, 0 changed, 0 unchanged, 0 deleted, 0 failed, 0 not run; wall time ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_stage_exits_1_with_its_error_and_what_was_blocked()
    {
        using var folder = new PublishedFolder();
        var log = new CallLog();
        var (exit, output) = await RunInProcessAsync(StageRunMode.Deploy, () =>
        [
            new TestStage("image", log) { Reconcile = (_, _) => throw new ProvisioningException("compute/v1/projects/my-project/global/images/x", "403 Forbidden (forbidden)", "Grant roles/compute.admin.") },
            new TestStage("pool", log, "image"),
        ], "deploy", "--from", folder.Root);

        Assert.Equal(1, exit);
        Assert.Contains("error: stage image: compute/v1/projects/my-project/global/images/x: 403 Forbidden (forbidden). Grant roles/compute.admin.", output, StringComparison.Ordinal);
        Assert.Contains("not run: stage 'image' failed", output, StringComparison.Ordinal);
        Assert.Contains("deploy failed: 2 stages: 0 created, 0 changed, 0 unchanged, 0 deleted, 1 failed, 1 not run", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_calls_destroy_in_reverse_order_and_passes_dry_run_to_the_stages()
    {
        using var folder = new PublishedFolder();
        var log = new CallLog();
        var dryRuns = new List<bool>();
        Task<StageResult> Record(StageContext context)
        {
            lock (dryRuns)
            {
                dryRuns.Add(context.DryRun);
            }

            return Task.FromResult(StageResult.Unchanged());
        }

        var (exit, output) = await RunInProcessAsync(StageRunMode.Destroy, () =>
        [
            new TestStage("image", log) { Destroy = (c, _) => Record(c) },
            new TestStage("pool", log, "image") { Destroy = (c, _) => Record(c) },
        ], "destroy", "--from", folder.Root, "--dry-run");

        Assert.Equal(0, exit);
        Assert.Equal(["pool", "image"], log.StagesThatDid("destroy-end"));
        Assert.Equal([true, true], dryRuns);
        Assert.Contains("destroy (dry run) succeeded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_stages_composed_it_says_so_and_exits_1()
    {
        using var folder = new PublishedFolder();
        var (exit, output) = await RunInProcessAsync(StageRunMode.Deploy, () => [], "deploy", "--from", folder.Root);

        Assert.Equal(1, exit);
        Assert.Contains("No provisioning stages for ", output, StringComparison.Ordinal);
    }

    private sealed class TempHome : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vllm-aspire-home-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
