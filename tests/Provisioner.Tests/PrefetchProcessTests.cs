using System.Diagnostics;
using VllmAspire.Provisioner.Prefetch;

namespace VllmAspire.Provisioner.Tests;

/// <summary>The real Provisioner executable's <c>prefetch</c> verb, as the sidecar container runs it.</summary>
public sealed class PrefetchProcessTests
{
    // The referenced Provisioner is copied beside the tests with its runtimeconfig, so it runs as its own process.
    private static readonly string Dll = typeof(WeightPrefetcher).Assembly.Location;

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // No terminal and no COLUMNS, as in a pod: the report must still come as whole lines.
        psi.Environment.Remove("COLUMNS");
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task Prefetches_a_folder_and_exits_0_with_the_report()
    {
        using var tree = new TempTree();
        tree.File("model-00001-of-00002.safetensors", 2_000_003);
        tree.File("model-00002-of-00002.safetensors", 1_999_999);
        using var process = Start("prefetch", tree.Root, "--concurrency", "8", "--block-size", "256K");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("prefetch: read 2 files, 4000002 bytes in ", output, StringComparison.Ordinal);
        Assert.Contains(" MB/s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_report_lines_are_never_wrapped_when_the_output_is_a_log()
    {
        using var tree = new TempTree();
        tree.File("model.safetensors", 4096);
        using var process = Start("prefetch", tree.Root);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var lines = (await process.StandardOutput.ReadToEndAsync(deadline.Token)).Split('\n');
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(0, process.ExitCode);
        var header = Assert.Single(lines, l => l.StartsWith("prefetch: 1 files, ", StringComparison.Ordinal));
        Assert.Contains($"under {tree.Root} (", header, StringComparison.Ordinal);
        Assert.EndsWith(" in flight)", header.TrimEnd(), StringComparison.Ordinal);
        Assert.True(header.Length > 80, $"the line should be longer than a default terminal line: {header}");
    }

    [Fact]
    public async Task As_a_sidecar_it_keeps_running_after_prefetching_and_ends_cleanly_on_SIGTERM()
    {
        using var tree = new TempTree();
        tree.File("model.safetensors", 1_000_000);
        using var process = Start("prefetch", tree.Root, "--keep-running");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Kubelet restarts a native sidecar whenever it exits, so after its report it must still be running.
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(deadline.Token)) is not null && !line.Contains("bytes in", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        Assert.False(process.HasExited, "prefetch --keep-running exited after its report");

        Assert.Equal(0, Kill(process.Id, 15));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(stop.Token);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task A_missing_path_exits_1_naming_it()
    {
        using var process = Start("prefetch", "/no/such/weights/folder");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("'/no/such/weights/folder' does not exist", output, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
#pragma warning disable SYSLIB1054
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
