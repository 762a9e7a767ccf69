namespace Aspire.Hosting.ApplicationModel;

/// <summary>The simulator settings of a vLLM resource (<c>RunAsSimulator</c>).</summary>
/// <param name="Options">The settings.</param>
public sealed record VllmSimulatorAnnotation(VllmSimulatorOptions Options) : IResourceAnnotation;
