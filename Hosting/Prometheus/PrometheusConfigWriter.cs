using System.Globalization;
using System.Text;
using System.Text.Json;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Prometheus;

/// <summary>
/// Writes Prometheus's configuration: one job per scraped resource, each fed by a file-based service discovery
/// file listing the resource's running replicas, rewritten whenever replicas come and go (Prometheus reloads it).
/// </summary>
internal static class PrometheusConfigWriter
{
    /// <summary>Writes <c>prometheus.yml</c> for the scraped resources.</summary>
    public static void WriteConfig(PrometheusResource prometheus, IEnumerable<IResource> scraped)
    {
        Directory.CreateDirectory(prometheus.TargetsDirectory);
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
                .AppendLine(CultureInfo.InvariantCulture, $"      - files: [{Quote(TargetsFile(prometheus, resource))}]")
                .AppendLine("        refresh_interval: 5s");
            if (!File.Exists(TargetsFile(prometheus, resource)))
            {
                WriteTargets(prometheus, resource, []);
            }
        }

        WriteAtomically(prometheus.ConfigPath, yaml.ToString());
    }

    /// <summary>
    /// Writes the web configuration: one basic-auth user whose password is the resource's secret, stored only as a
    /// bcrypt hash (the form <c>basic_auth_users</c> takes), in a file only this user can read.
    /// </summary>
    public static void WriteWebConfig(PrometheusResource prometheus)
    {
        Directory.CreateDirectory(prometheus.WorkingDirectory);
        var yaml = new StringBuilder().AppendLine("# Written by the VllmAspire AppHost at each start; edits are overwritten.");
        if (prometheus.Password is { HasValue: true } password)
        {
            // Work factor 10: the password is 128 random bits, so the hash's cost only slows Prometheus's first check of each client.
            yaml.AppendLine("basic_auth_users:")
                .AppendLine(CultureInfo.InvariantCulture, $"  {Quote(PrometheusResource.UserName)}: {Quote(BCrypt.Net.BCrypt.HashPassword(password.Value, workFactor: 10))}");
        }

        WriteAtomically(prometheus.WebConfigPath, yaml.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(prometheus.WebConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Writes the targets of one resource: each running replica's own address, labelled with its pod name.</summary>
    public static void WriteTargets(PrometheusResource prometheus, IResource resource, IEnumerable<ReplicaSnapshot> replicas)
    {
        var groups = replicas
            .Where(r => r.State == KnownResourceStates.Running && r.Url is not null)
            .Select(r => new
            {
                targets = new[] { new Uri(r.Url!).Authority },
                labels = new Dictionary<string, string> { ["pod"] = r.Name, ["namespace"] = "default", ["resource"] = resource.Name },
            });
        WriteAtomically(TargetsFile(prometheus, resource), JsonSerializer.Serialize(groups));
    }

    private static string TargetsFile(PrometheusResource prometheus, IResource resource) =>
        Path.Combine(prometheus.TargetsDirectory, $"{resource.Name}.json");

    // Prometheus may read at any moment; a rename is atomic, a rewrite in place is not.
    private static void WriteAtomically(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
