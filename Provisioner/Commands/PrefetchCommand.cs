using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using VllmAspire.Provisioner.Prefetch;

namespace VllmAspire.Provisioner.Commands;

/// <summary>
/// The <c>prefetch PATH</c> verb: reads every file under PATH into the page cache with many concurrent large reads,
/// so vLLM's loader then finds its weights in memory. Run as a native sidecar beside vLLM it overlaps the disk I/O
/// with vLLM's engine start (DESIGN §8).
/// </summary>
public static class PrefetchCommand
{
    /// <summary>Creates the <c>prefetch</c> command.</summary>
    /// <param name="output">Where the report goes; the console unless a test captures it.</param>
    /// <returns>The command.</returns>
    public static Command Create(IAnsiConsole? output = null)
    {
        var path = new Argument<string>("PATH") { Description = "The weights folder (or one file) to read into the page cache." };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Reads in flight at once.",
            DefaultValueFactory = _ => PrefetchOptions.DefaultConcurrency,
        };
        var blockSize = new Option<string>("--block-size")
        {
            Description = "Size of one read, e.g. 16M, 4M, 1048576.",
            DefaultValueFactory = _ => "16M",
        };
        var keepRunning = new Option<bool>("--keep-running")
        {
            Description = "After prefetching, keep running until stopped (a Kubernetes native sidecar is restarted whenever it exits).",
        };
        var command = new Command("prefetch", "Reads every file under PATH into the page cache with concurrent large positional reads, and reports bytes, seconds and MB/s.")
        {
            path, concurrency, blockSize, keepRunning,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(path)!, parse.GetValue(concurrency), parse.GetValue(blockSize)!, parse.GetValue(keepRunning), output ?? AnsiConsole.Console, ct));
        return command;
    }

    private static async Task<int> RunAsync(string path, int concurrency, string blockSizeText, bool keepRunning, IAnsiConsole console, CancellationToken ct)
    {
        PrefetchResult result;
        try
        {
            var blockSize = ByteSize.Parse(blockSizeText, "--block-size");
            var options = new PrefetchOptions { Concurrency = concurrency, BlockSize = (int)Math.Min(blockSize, int.MaxValue) };
            options.Validate();
            var files = PrefetchFileSet.Scan(path);
            foreach (var skipped in files.Skipped)
            {
                console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(skipped)}");
            }

            var prefetcher = new WeightPrefetcher(options);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"prefetch: {files.Files.Count} files, {ByteSize.Format(files.TotalBytes)} under {files.Root} ({options.Concurrency} reads of {ByteSize.Format(options.BlockSize)} in flight)"));
            var run = prefetcher.RunAsync(files, ct);
            if (console.Profile.Capabilities.Interactive && files.TotalBytes > 0)
            {
                await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("page cache", maxValue: files.TotalBytes);
                        while (!run.IsCompleted)
                        {
                            task.Value = prefetcher.BytesRead;
                            await Task.WhenAny(run, Task.Delay(100, CancellationToken.None)).ConfigureAwait(false);
                        }

                        task.Value = prefetcher.BytesRead;
                    }).ConfigureAwait(false);
            }

            result = await run.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PrefetchException or FormatException or OverflowException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            console.WriteLine("prefetch: stopped before it finished.");
            return 130;
        }

        // A native sidecar is stopped with SIGTERM when the pod ends; that is a normal end, not a failure. The handlers
        // are in place before the report, so a signal right after it is handled too.
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var term = keepRunning ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop) : null;
        using var interrupt = keepRunning ? PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop) : null;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prefetch: read {result.Files} files, {result.Bytes} bytes in {result.Elapsed.TotalSeconds:F3} s ({result.MegabytesPerSecond:F1} MB/s)"));
        if (keepRunning)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stopped.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.Cancel();
        }
    }
}
