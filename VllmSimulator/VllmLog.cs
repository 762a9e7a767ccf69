using System.Globalization;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// Writes log lines in vLLM's own format so tools that parse vLLM logs (start-up timing, the dashboard) work on
/// the simulator unchanged: <c>INFO MM-DD HH:MM:SS [file.py:line] msg</c> from 0.8 on, and the older
/// <c>INFO MM-DD HH:MM:SS file.py:line] msg</c> before. Uvicorn's own lines keep uvicorn's format.
/// </summary>
public sealed class VllmLog(VllmVersion version, TextWriter output, TextWriter error)
{
    private readonly Lock _gate = new();

    /// <summary>Logs at INFO with the vLLM source location <paramref name="source"/> (e.g. <c>api_server.py:1805</c>).</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    public void Info(string source, string message) => Write(output, "INFO", source, message);

    /// <summary>Logs at WARNING.</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    public void Warning(string source, string message) => Write(output, "WARNING", source, message);

    /// <summary>Logs at ERROR, to standard error.</summary>
    /// <param name="source">The file and line vLLM logs from.</param>
    /// <param name="message">The message.</param>
    public void Error(string source, string message) => Write(error, "ERROR", source, message);

    /// <summary>Logs a uvicorn line (<c>INFO:     msg</c>).</summary>
    /// <param name="message">The message.</param>
    public void Uvicorn(string message)
    {
        lock (_gate)
        {
            output.WriteLine("INFO:     " + message);
            output.Flush();
        }
    }

    private void Write(TextWriter writer, string level, string source, string message)
    {
        var stamp = DateTime.Now.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var location = version.IsV1 ? $"[{source}]" : source + "]";
        lock (_gate)
        {
            writer.WriteLine($"{level} {stamp} {location} {message}");
            writer.Flush();
        }
    }

    /// <summary>Formats a number with the invariant culture, as Python's <c>%</c> formatting does.</summary>
    /// <param name="format">A .NET numeric format such as <c>F2</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Fmt(string format, double value) => value.ToString(format, CultureInfo.InvariantCulture);
}
