using System.Globalization;
using System.Runtime.InteropServices;

namespace VllmAspire.Testing.Processes;

/// <summary>
/// A shell without job control (a CI runner's script, <c>./test.sh &amp;</c>) starts its background commands with SIGINT
/// and SIGQUIT ignored, children inherit ignored signals, and .NET leaves an inherited SIG_IGN as it is: the Ctrl+C a
/// test sends to a child would then do nothing. A test process that starts children it interrupts stops ignoring them
/// first, so each child starts with the default dispositions, as from a terminal.
/// </summary>
public static class TerminalSignals
{
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private static readonly Lazy<bool> Restored = new(RestoreOnce);

    /// <summary>Makes SIGINT and SIGQUIT default again in this process if it started with them ignored (Linux).</summary>
    public static void RestoreDefaults() => _ = Restored.Value;

    private static bool RestoreOnce()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        // SigIgn: the mask of ignored signals, bit n-1 for signal n.
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var ignored = line is null ? 0 : ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        foreach (var signal in new[] { SigInt, SigQuit })
        {
            if ((ignored & (1UL << (signal - 1))) != 0)
            {
                SetDefault(signal, 0);
            }
        }

        return true;
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint SetDefault(int signal, nint handler);
}
