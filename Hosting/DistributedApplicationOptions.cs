namespace VllmAspire.Hosting;

/// <summary>Options for creating a <see cref="DistributedApplication"/> builder.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Gets or sets the command-line arguments: an optional verb (<c>run</c>, <c>publish</c>, …) and its options.</summary>
    public string[] Args { get; set; } = [];

    /// <summary>
    /// Gets or sets the AppHost project directory (content root, <c>appsettings.json</c>, data folder). Defaults to the
    /// directory the AppHost build recorded, else the current directory.
    /// </summary>
    public string? AppHostDirectory { get; set; }

    /// <summary>Gets or sets whether the dashboard is served. Tests turn it off or give it port 0.</summary>
    public bool DisableDashboard { get; set; }
}
