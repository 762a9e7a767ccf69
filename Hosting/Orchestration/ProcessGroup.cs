using System.Runtime.InteropServices;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>
/// Signals whole process groups. Each child starts in its own session (via <c>setsid</c>), so its process id is also
/// its group id, and signalling the group reaches every process it spawned — nothing is left behind on stop.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Gets the program that starts a child in a new session, if the machine has it.</summary>
    public static string? Setsid => OperatingSystem.IsLinux() ? SetsidPath : null;

    /// <summary>Sends a signal to every process of a group; returns false when the group no longer exists.</summary>
    public static bool Signal(int processGroupId, int signal) =>
        processGroupId > 1 && kill(-processGroupId, signal) == 0;

    /// <summary>Sends a signal to one process (not its group); returns false when it no longer exists.</summary>
    public static bool SignalProcess(int processId, int signal) =>
        processId > 1 && kill(processId, signal) == 0;

    /// <summary>Gets whether any process of the group is alive.</summary>
    public static bool IsAlive(int processGroupId) => processGroupId > 1 && kill(-processGroupId, 0) == 0;

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);
}
