using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using VllmAspire.Provisioner.Commands;

namespace VllmAspire.Provisioner.Tests;

public sealed partial class PrefetchCommandTests
{
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });
        console.Profile.Width = 400;
        var root = new RootCommand { PrefetchCommand.Create(console) };
        var exit = await root.Parse(args).InvokeAsync();
        return (exit, text.ToString());
    }

    [Fact]
    public async Task Reports_files_bytes_seconds_and_rate()
    {
        using var tree = new TempTree();
        tree.File("a.safetensors", 3_000_001);
        tree.File("b/config.json", 999);

        var (exit, output) = await RunAsync("prefetch", tree.Root, "--concurrency", "4", "--block-size", "1M");

        Assert.Equal(0, exit);
        Assert.Contains("4 reads of 1.0 MiB in flight", output, StringComparison.Ordinal);
        Assert.Matches(ReportLine(), output);
        Assert.Contains("read 2 files, 3001000 bytes in ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_exits_1_with_the_path_in_the_message()
    {
        var (exit, output) = await RunAsync("prefetch", "/no/such/weights");

        Assert.Equal(1, exit);
        Assert.Contains("error: Prefetch path '/no/such/weights' does not exist", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--block-size", "12Q", "--block-size '12Q' is not a size")]
    [InlineData("--block-size", "1", "--block-size 1 bytes is out of range")]
    [InlineData("--concurrency", "0", "--concurrency 0 is out of range")]
    public async Task Bad_options_exit_1_naming_the_option(string option, string value, string expected)
    {
        using var tree = new TempTree();
        var (exit, output) = await RunAsync("prefetch", tree.Root, option, value);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"prefetch: read 2 files, 3001000 bytes in [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9] MB/s\)")]
    private static partial Regex ReportLine();
}
