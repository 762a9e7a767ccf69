using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>What a <see cref="ResourceStartupAnnotation"/> callback gets.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Services">The AppHost's services.</param>
/// <param name="Logger">Writes to the resource's console log.</param>
/// <param name="CancellationToken">Cancelled when the application stops.</param>
public sealed record ResourceStartupContext(IResource Resource, IServiceProvider Services, ILogger Logger, CancellationToken CancellationToken);
