using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VllmAspire.VllmCatalog;

/// <summary>
/// One line of vLLM's log split into vLLM's prefix and its message. vLLM's logger writes
/// <c>LEVEL MM-DD HH:MM:SS [file.py:line] message</c> from 0.8 on and <c>LEVEL MM-DD HH:MM:SS file.py:line] message</c>
/// before; multi-process builds (0.10.1+) put the writing process in front, e.g. <c>(EngineCore_0 pid=212) </c> or
/// <c>(APIServer pid=1) </c>. Uvicorn's own lines are <c>INFO:     message</c>, also behind a process prefix when there is one.
/// The time has no year or zone: vLLM prints the container's local time to the second.
/// </summary>
/// <param name="Process">The process prefix without parentheses (<c>EngineCore_0 pid=212</c>), when the line has one.</param>
/// <param name="Level">The level: <c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c> or <c>CRITICAL</c>.</param>
/// <param name="Stamp">Month, day and time of day from vLLM's stamp, or <see langword="null"/> for a uvicorn line.</param>
/// <param name="Source">The <c>file.py:line</c> that logged it (may include a folder, <c>compilation/backends.py:548</c>), or <see langword="null"/> for a uvicorn line.</param>
/// <param name="Message">The message after the prefix.</param>
public sealed partial record VllmLogLine(string? Process, string Level, VllmLogStamp? Stamp, string? Source, string Message)
{
    /// <summary>Splits a line of vLLM's log into prefix and message.</summary>
    /// <param name="text">The line, without its line ending (a trailing <c>\r</c> is ignored).</param>
    /// <param name="line">The parsed line.</param>
    /// <returns>Whether the text is a vLLM or uvicorn log line (tqdm progress bars and tracebacks are not).</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VllmLogLine? line)
    {
        line = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        text = text.TrimEnd('\r');
        if (VllmPrefix().Match(text) is { Success: true } m)
        {
            var source = m.Groups["src"].Success ? m.Groups["src"].Value : m.Groups["src0"].Value;
            var stamp = new VllmLogStamp(
                int.Parse(m.Groups["mo"].ValueSpan, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["d"].ValueSpan, CultureInfo.InvariantCulture),
                TimeSpan.ParseExact(m.Groups["t"].Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture));
            line = new VllmLogLine(Group(m, "proc"), m.Groups["level"].Value, stamp, source, m.Groups["msg"].Value);
            return true;
        }

        if (UvicornPrefix().Match(text) is { Success: true } u)
        {
            line = new VllmLogLine(Group(u, "proc"), u.Groups["level"].Value, null, null, u.Groups["msg"].Value);
            return true;
        }

        return false;
    }

    /// <summary>Formats a line as the given release writes it.</summary>
    /// <param name="version">The release whose prefix style to use.</param>
    /// <param name="level">The level, e.g. <c>INFO</c>.</param>
    /// <param name="localTime">The time to stamp (vLLM prints local time to the second).</param>
    /// <param name="message">The message with its source and process role.</param>
    /// <param name="processId">The process id printed in the prefix on releases that print one.</param>
    /// <returns>The line, without a line ending.</returns>
    public static string Format(VllmVersion version, string level, DateTime localTime, VllmLogMessage message, int processId)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(message);
        var prefix = ProcessPrefix(version, message.Role, processId);
        if (message.Source is null)
        {
            // uvicorn's own format: the level, a colon, and padding to nine characters.
            return $"{prefix}{(level + ":").PadRight(9)} {message.Text}";
        }

        var stamp = localTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var location = version.IsV1 ? $"[{message.Source}]" : message.Source + "]";
        return $"{prefix}{level} {stamp} {location} {message.Text}";
    }

    /// <summary>
    /// The process prefix a release writes for a role, including the trailing space, or empty. 0.10.1 added the
    /// prefixes (<c>(APIServer pid=N)</c>, <c>(EngineCore_0 pid=N)</c>, vllm PR #20707's transcript); 0.11 named the
    /// engine <c>EngineCore_DP0</c> (vllm#26379); by 0.19 it is <c>EngineCore</c> (transcripts of 0.19.1, the exact first
    /// release is not verified).
    /// </summary>
    /// <param name="version">The release.</param>
    /// <param name="role">Which process writes the line.</param>
    /// <param name="processId">The process id.</param>
    /// <returns>The prefix.</returns>
    public static string ProcessPrefix(VllmVersion version, VllmProcessRole role, int processId)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!version.AtLeast(0, 10, 1))
        {
            return "";
        }

        var name = role switch
        {
            VllmProcessRole.ApiServer => "APIServer",
            VllmProcessRole.EngineCore => version.AtLeast(0, 19) ? "EngineCore" : version.AtLeast(0, 11) ? "EngineCore_DP0" : "EngineCore_0",
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
        };
        return $"({name} pid={processId.ToString(CultureInfo.InvariantCulture)}) ";
    }

    private static string? Group(Match m, string name) => m.Groups[name].Success ? m.Groups[name].Value : null;

    // (proc)? LEVEL MM-DD HH:MM:SS[.fff] [source] msg   — or V0's   source] msg
    [GeneratedRegex(@"^(?:\((?<proc>[^()]*?pid=\d+)\) )?(?<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) (?<mo>\d\d)-(?<d>\d\d) (?<t>\d\d:\d\d:\d\d)(?:\.\d+)? (?:\[(?<src>[^\]]+)\]|(?<src0>[^\s\]]+)\]) ?(?<msg>.*)$")]
    private static partial Regex VllmPrefix();

    [GeneratedRegex(@"^(?:\((?<proc>[^()]*?pid=\d+)\) )?(?<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+(?<msg>.*)$")]
    private static partial Regex UvicornPrefix();
}

/// <summary>vLLM's log stamp: month, day and local time of day, to the second.</summary>
/// <param name="Month">The month (1–12).</param>
/// <param name="Day">The day of the month.</param>
/// <param name="TimeOfDay">The time of day.</param>
public sealed record VllmLogStamp(int Month, int Day, TimeSpan TimeOfDay)
{
    /// <summary>
    /// The instant this stamp names, taking the year that puts it nearest <paramref name="near"/> and reading it in
    /// <paramref name="offset"/> (a container's clock is usually UTC).
    /// </summary>
    /// <param name="near">A time close to the line's, e.g. when the container started.</param>
    /// <param name="offset">The zone offset vLLM's clock ran in.</param>
    /// <returns>The instant.</returns>
    public DateTimeOffset ToInstant(DateTimeOffset near, TimeSpan offset)
    {
        DateTimeOffset? best = null;
        foreach (var year in new[] { near.Year - 1, near.Year, near.Year + 1 })
        {
            if (Day > DateTime.DaysInMonth(year, Month))
            {
                continue;
            }

            var candidate = new DateTimeOffset(year, Month, Day, 0, 0, 0, offset) + TimeOfDay;
            if (best is null || (candidate - near).Duration() < (best.Value - near).Duration())
            {
                best = candidate;
            }
        }

        return best ?? near;
    }
}

/// <summary>Which of vLLM's processes writes a line (the API server, or the engine core that loads and compiles).</summary>
public enum VllmProcessRole
{
    /// <summary>The API server process (<c>APIServer</c>): version, arguments, routes, uvicorn.</summary>
    ApiServer,

    /// <summary>The engine core process (<c>EngineCore</c>): weights, compile, KV cache, graphs, engine init.</summary>
    EngineCore,
}

/// <summary>A message vLLM logs: where it logs it from and which process writes it.</summary>
/// <param name="Role">The writing process.</param>
/// <param name="Source">vLLM's <c>file.py:line</c>, or <see langword="null"/> for uvicorn's own lines.</param>
/// <param name="Text">The message.</param>
public sealed record VllmLogMessage(VllmProcessRole Role, string? Source, string Text);
