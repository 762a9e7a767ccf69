using System.Globalization;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Replicas;

namespace VllmAspire.Hosting.Prometheus;

/// <summary>
/// Writes Prometheus's configuration: one job per scraped resource, each fed by the resource's file-based service
/// discovery file (<see cref="ReplicaTargets"/>), which lists its running replicas and is rewritten as they come and
/// go (Prometheus re-reads it).
/// </summary>
internal static class PrometheusConfigWriter
{
    /// <summary>Writes <c>prometheus.yml</c> for the scraped resources.</summary>
    /// <param name="prometheus">The Prometheus resource.</param>
    /// <param name="scraped">The resources with a <see cref="PrometheusScrapeAnnotation"/>.</param>
    public static void WriteConfig(PrometheusResource prometheus, IEnumerable<IResource> scraped)
    {
        Directory.CreateDirectory(prometheus.DataPath);
        var interval = $"{(int)prometheus.ScrapeInterval.TotalSeconds}s";
        var yaml = new StringBuilder()
            .AppendLine("# Written by the VllmAspire AppHost at each start; edits are overwritten.")
            .AppendLine("global:")
            .AppendLine(CultureInfo.InvariantCulture, $"  scrape_interval: {interval}")
            .AppendLine(CultureInfo.InvariantCulture, $"  evaluation_interval: {interval}")
            .AppendLine("scrape_configs:");
        foreach (var resource in scraped)
        {
            var scrape = resource.Annotations.OfType<PrometheusScrapeAnnotation>().Last();
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - job_name: {Quote(resource.Name)}")
                .AppendLine(CultureInfo.InvariantCulture, $"    metrics_path: {Quote(scrape.Path)}")
                .AppendLine("    file_sd_configs:")
                .AppendLine(CultureInfo.InvariantCulture, $"      - files: [{Quote(ReplicaTargets.File(prometheus.TargetsDirectory, resource))}]")
                .AppendLine("        refresh_interval: 5s");
        }

        WriteAtomically(prometheus.ConfigPath, yaml.ToString());
    }

    /// <summary>
    /// Writes the web configuration: one basic-auth user whose password is the resource's secret, stored only as a
    /// bcrypt hash (the form <c>basic_auth_users</c> takes), in a file only this user can read.
    /// </summary>
    /// <param name="prometheus">The Prometheus resource.</param>
    /// <param name="password">The password.</param>
    public static void WriteWebConfig(PrometheusResource prometheus, string? password)
    {
        Directory.CreateDirectory(prometheus.WorkingDirectory);
        var yaml = new StringBuilder().AppendLine("# Written by the VllmAspire AppHost at each start; edits are overwritten.");
        if (!string.IsNullOrEmpty(password))
        {
            // Work factor 10: the password is random, so the hash's cost only slows Prometheus's first check of each client.
            yaml.AppendLine("basic_auth_users:")
                .AppendLine(CultureInfo.InvariantCulture, $"  {Quote(PrometheusResource.UserName)}: {Quote(BCrypt.Net.BCrypt.HashPassword(password, workFactor: 10))}");
        }

        WriteAtomically(prometheus.WebConfigPath, yaml.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(prometheus.WebConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Finds an executable on PATH.</summary>
    /// <param name="command">The command name.</param>
    /// <returns>Its full path, or <see langword="null"/> when PATH has none.</returns>
    public static string? FindOnPath(string command) =>
        Path.IsPathRooted(command)
            ? (File.Exists(command) ? command : null)
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, command))
                .FirstOrDefault(File.Exists);

    // Prometheus may read at any moment; a rename is atomic, a rewrite in place is not.
    private static void WriteAtomically(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
