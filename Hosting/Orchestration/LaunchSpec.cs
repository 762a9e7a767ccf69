namespace VllmAspire.Hosting.Orchestration;

/// <summary>Everything needed to start one replica's process.</summary>
/// <param name="FileName">The resolved program path.</param>
/// <param name="Arguments">The arguments.</param>
/// <param name="WorkingDirectory">The working directory.</param>
/// <param name="Environment">The variables set on top of the inherited environment.</param>
internal sealed record LaunchSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);
