namespace VllmAspire.Hosting.Dashboard;

/// <summary>A resource as <c>GET /api/resources</c> returns it.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Type">The resource type.</param>
/// <param name="State">The state.</param>
/// <param name="Health">Healthy, Unhealthy, or null before running.</param>
/// <param name="Endpoints">The endpoints clients use.</param>
/// <param name="Replicas">The number of replicas.</param>
/// <param name="StateMessage">Why the resource is in its state and how to fix it, when that needs saying.</param>
/// <param name="ExitCode">The last exit code, if any replica exited.</param>
/// <param name="Instances">Each replica's name, state, health, process id and own URL.</param>
public sealed record ResourceDto(
    string Name,
    string Type,
    string State,
    string? Health,
    IReadOnlyList<EndpointDto> Endpoints,
    int Replicas,
    string? StateMessage,
    int? ExitCode,
    IReadOnlyList<InstanceDto> Instances);

/// <summary>An endpoint of a resource.</summary>
/// <param name="Name">The endpoint name.</param>
/// <param name="Url">The URL.</param>
public sealed record EndpointDto(string Name, string Url);

/// <summary>One replica of a resource.</summary>
/// <param name="Name">The replica name.</param>
/// <param name="State">The state.</param>
/// <param name="Health">Healthy, Unhealthy, or null.</param>
/// <param name="Pid">The process id while running.</param>
/// <param name="Url">The replica's own URL.</param>
/// <param name="ExitCode">The exit code once exited.</param>
public sealed record InstanceDto(string Name, string State, string? Health, int? Pid, string? Url, int? ExitCode);
