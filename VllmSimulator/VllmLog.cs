using System.Globalization;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// Writes log lines exactly as the imitated vLLM release does (<see cref="VllmLogLine.Format"/>: the stamp, the source
/// location, the process prefix of 0.10.1+, uvicorn's own lines), so every tool that reads vLLM's logs reads the
/// simulator's unchanged. The process prefix carries this process's id for both roles (one process plays both).
/// </summary>
public sealed class VllmLog(VllmVersion version, TextWriter output, TextWriter error)
{
    private readonly Lock _gate = new();
    private readonly int _processId = Environment.ProcessId;

    /// <summary>Logs a message at INFO.</summary>
    /// <param name="message">The message, with its source and process role (see <see cref="VllmStartupLog"/>).</param>
    public void Info(VllmLogMessage message) => Write(output, "INFO", message);

    /// <summary>Logs at INFO from <paramref name="source"/> (e.g. <c>kv_cache_utils.py:833</c>).</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    /// <param name="role">The process that writes it.</param>
    public void Info(string source, string message, VllmProcessRole role = VllmProcessRole.ApiServer) => Info(new VllmLogMessage(role, source, message));

    /// <summary>Logs at WARNING.</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    /// <param name="role">The process that writes it.</param>
    public void Warning(string source, string message, VllmProcessRole role = VllmProcessRole.ApiServer) => Write(output, "WARNING", new VllmLogMessage(role, source, message));

    /// <summary>Logs at ERROR, to standard error.</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    /// <param name="role">The process that writes it.</param>
    public void Error(string source, string message, VllmProcessRole role = VllmProcessRole.EngineCore) => Write(error, "ERROR", new VllmLogMessage(role, source, message));

    /// <summary>Logs a uvicorn line (<c>INFO:     msg</c>).</summary>
    /// <param name="message">The message.</param>
    public void Uvicorn(string message) => Info(new VllmLogMessage(VllmProcessRole.ApiServer, null, message));

    private void Write(TextWriter writer, string level, VllmLogMessage message)
    {
        var line = VllmLogLine.Format(version, level, DateTime.Now, message, _processId);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    /// <summary>Formats a number with the invariant culture, as Python's <c>%</c> formatting does.</summary>
    /// <param name="format">A .NET numeric format such as <c>F2</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Fmt(string format, double value) => value.ToString(format, CultureInfo.InvariantCulture);
}
