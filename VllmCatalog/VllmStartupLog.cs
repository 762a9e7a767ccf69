using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VllmAspire.VllmCatalog;

/// <summary>
/// The one grammar of vLLM's start-up log lines, old (V0, 0.5/0.6 era) and current (V1): every reader parses with
/// <see cref="TryParse(string?, out VllmLogLine?, out VllmStartupMark?)"/> and the simulator writes with the formatting
/// methods, so writer and readers cannot drift. The strings follow vLLM's sources (<c>default_loader.py</c>,
/// <c>gpu_model_runner.py</c>, <c>compilation/backends.py</c>, <c>compilation/monitor.py</c>, <c>v1/engine/core.py</c>,
/// <c>entrypoints/openai/api_server.py</c>) and the releases' transcripts (reference/metrics.md §6.4).
/// </summary>
public static partial class VllmStartupLog
{
    /// <summary>Reads a start-up milestone from a whole log line (vLLM's prefix or uvicorn's).</summary>
    /// <param name="text">The line.</param>
    /// <param name="line">The line's prefix and message, when it is a vLLM or uvicorn line.</param>
    /// <param name="mark">The milestone, when the message is one.</param>
    /// <returns>Whether the line is a start-up milestone.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VllmLogLine? line, [NotNullWhen(true)] out VllmStartupMark? mark)
    {
        mark = null;
        if (!VllmLogLine.TryParse(text, out line))
        {
            return false;
        }

        if (TryParseMessage(line.Message, out mark))
        {
            return true;
        }

        line = null;
        return false;
    }

    /// <summary>Reads a start-up milestone from a message (the part after vLLM's prefix).</summary>
    /// <param name="message">The message.</param>
    /// <param name="mark">The milestone.</param>
    /// <returns>Whether the message is a start-up milestone.</returns>
    public static bool TryParseMessage(string? message, [NotNullWhen(true)] out VllmStartupMark? mark)
    {
        mark = message is null ? null : Match(message);
        return mark is not null;
    }

    /// <summary>Every milestone in a log, in order, with its line.</summary>
    /// <param name="log">The log text.</param>
    /// <returns>The milestones.</returns>
    public static IReadOnlyList<(VllmLogLine Line, VllmStartupMark Mark)> ParseAll(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var marks = new List<(VllmLogLine, VllmStartupMark)>();
        foreach (var text in log.Split('\n'))
        {
            if (TryParse(text, out var line, out var mark))
            {
                marks.Add((line, mark));
            }
        }

        return marks;
    }

    private static VllmStartupMark? Match(string message)
    {
        if (ServerVersionLine().Match(message) is { Success: true } version)
        {
            return new(VllmStartupMarkKind.ServerVersion, Text: version.Groups["v"].Value);
        }

        if (WeightsLoadedLine().Match(message) is { Success: true } weights)
        {
            return new(VllmStartupMarkKind.WeightsLoaded, Seconds: Number(weights, "s"));
        }

        if (ModelLoadedLine().Match(message) is { Success: true } model)
        {
            return new(VllmStartupMarkKind.ModelLoaded, Seconds: Number(model, "s"), Gib: Number(model, "gib"));
        }

        if (V0ModelLoadedLine().Match(message) is { Success: true } v0)
        {
            return new(VllmStartupMarkKind.ModelLoaded, Gib: Number(v0, "gb"));
        }

        if (CacheDirectoryLine().Match(message) is { Success: true } dir)
        {
            return new(VllmStartupMarkKind.CompileCacheDirectory, Text: dir.Groups["dir"].Value);
        }

        if (message.StartsWith(CacheDisabledText, StringComparison.Ordinal))
        {
            return new(VllmStartupMarkKind.CompileCacheDisabled);
        }

        if (DynamoLine().Match(message) is { Success: true } dynamo)
        {
            return new(VllmStartupMarkKind.DynamoTransform, Seconds: Number(dynamo, "s"));
        }

        if (CacheHitLine().Match(message) is { Success: true } hit)
        {
            return new(VllmStartupMarkKind.CompileCacheHit, Seconds: Number(hit, "s"), Text: hit.Groups["shape"].Value);
        }

        if (CacheStoredLine().Match(message) is { Success: true } stored)
        {
            return new(VllmStartupMarkKind.CompileCacheStored, Text: stored.Groups["shape"].Value);
        }

        if (GraphCompiledLine().Match(message) is { Success: true } compiled)
        {
            return new(VllmStartupMarkKind.GraphCompiled, Seconds: Number(compiled, "s"), Text: compiled.Groups["shape"].Value);
        }

        if (CompileTotalLine().Match(message) is { Success: true } total)
        {
            return new(VllmStartupMarkKind.CompileFinished, Seconds: Number(total, "s"));
        }

        if (GraphCaptureLine().Match(message) is { Success: true } graphs)
        {
            return new(VllmStartupMarkKind.GraphCaptureFinished, Seconds: Number(graphs, "s"), Gib: Number(graphs, "gib"));
        }

        if (InitEngineLine().Match(message) is { Success: true } init)
        {
            return new(VllmStartupMarkKind.EngineInitialized, Seconds: Number(init, "s"), CompilationSeconds: Number(init, "c"));
        }

        if (ApiServerLine().Match(message) is { Success: true } api)
        {
            return new(VllmStartupMarkKind.ApiServerStarting, Text: api.Groups["url"].Value);
        }

        return message == StartupCompleteText ? new(VllmStartupMarkKind.ApplicationStartupComplete) : null;
    }

    private static double? Number(Match match, string group) =>
        match.Groups[group].Success ? double.Parse(match.Groups[group].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    private const string CacheDisabledText = "vLLM's torch.compile cache is disabled.";
    private const string StartupCompleteText = "Application startup complete.";
    private const string N = @"[0-9]+(?:\.[0-9]+)?";

    [GeneratedRegex(@"^vLLM API server version (?<v>\S+)")]
    private static partial Regex ServerVersionLine();

    [GeneratedRegex(@"^Loading weights took (?<s>" + N + ") seconds")]
    private static partial Regex WeightsLoadedLine();

    // 0.8–0.11.0 "N GiB and N seconds"; 0.11.1+ "N GiB memory and N seconds".
    [GeneratedRegex(@"^Model loading took (?<gib>" + N + @") GiB(?: memory)? and (?<s>" + N + ") ?s(?:econds)?")]
    private static partial Regex ModelLoadedLine();

    [GeneratedRegex(@"^Loading model weights took (?<gb>" + N + ") GB")]
    private static partial Regex V0ModelLoadedLine();

    [GeneratedRegex(@"^Using cache directory: (?<dir>.+) for vLLM's torch\.compile$")]
    private static partial Regex CacheDirectoryLine();

    [GeneratedRegex(@"^Dynamo bytecode transform time: (?<s>" + N + ") s")]
    private static partial Regex DynamoLine();

    // "for shape 1", "for dynamic shape", "for compile range (1, 8192)"
    [GeneratedRegex(@"^Directly load the compiled graph\(s\) for (?<shape>.+?) from the cache, took (?<s>" + N + ") s")]
    private static partial Regex CacheHitLine();

    // 0.9 "Cache the graph of shape None for later use"; later "Cache the graph for dynamic shape for later use".
    [GeneratedRegex(@"^Cache the graph (?:of |for )(?<shape>.+?) for later use")]
    private static partial Regex CacheStoredLine();

    [GeneratedRegex(@"^Compiling a graph for (?<shape>.+?) takes (?<s>" + N + ") s")]
    private static partial Regex GraphCompiledLine();

    [GeneratedRegex(@"^torch\.compile (?:takes|took) (?<s>" + N + ") s in total")]
    private static partial Regex CompileTotalLine();

    // V0 0.5: "Graph capturing finished in 5 secs."; later ", took 0.52 GiB".
    [GeneratedRegex(@"^Graph capturing finished in (?<s>" + N + @") secs?(?:, took (?<gib>" + N + ") GiB)?")]
    private static partial Regex GraphCaptureLine();

    [GeneratedRegex(@"^init engine (?:\(profile, create kv cache, warmup model\) )?took (?<s>" + N + @") (?:seconds|s)(?: \(compilation: (?<c>" + N + @") s\))?")]
    private static partial Regex InitEngineLine();

    [GeneratedRegex(@"^Starting vLLM API server (?:\d+ )?on (?<url>\S+)")]
    private static partial Regex ApiServerLine();
}
