using System.Globalization;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Processes;

/// <summary>
/// The processes of an Aspire AppHost, read from Linux's <c>/proc</c>: the process that started it and its descendants,
/// plus the orchestrator (DCP), which leaves the tree on purpose so it can clean up after a crash and names the process
/// it watches with <c>--monitor PID</c>, and everything DCP runs (the dashboard, each resource, the wrappers). Checks
/// that a stop leaves nothing need no help from the orchestrator they check.
/// </summary>
public static partial class ProcessTree
{
    /// <summary>Lists the live processes of the AppHost started as <paramref name="rootPid"/>.</summary>
    /// <param name="rootPid">The process that started the AppHost (<c>dotnet run</c>, or the AppHost itself).</param>
    /// <returns>Their ids and command lines, the root first.</returns>
    public static IReadOnlyList<(int Pid, string CommandLine)> OfAppHost(int rootPid)
    {
        var all = new Dictionary<int, (int Parent, int? Monitors, string CommandLine)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !TestProcess.IsAlive(pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
                var monitor = MonitorFlag().Match(commandLine);
                all[pid] = (parent, monitor.Success ? int.Parse(monitor.Groups[1].Value, CultureInfo.InvariantCulture) : null, commandLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone meanwhile.
            }
        }

        var tree = new List<int> { rootPid };
        var members = new HashSet<int> { rootPid };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, process) in all)
            {
                if (!members.Contains(pid) && (members.Contains(process.Parent) || process.Monitors is { } watched && members.Contains(watched)))
                {
                    members.Add(pid);
                    tree.Add(pid);
                    grew = true;
                }
            }
        }

        return [.. tree.Where(all.ContainsKey).Select(pid => (pid, all[pid].CommandLine))];
    }

    [GeneratedRegex(@"--monitor (\d+)")]
    private static partial Regex MonitorFlag();
}
