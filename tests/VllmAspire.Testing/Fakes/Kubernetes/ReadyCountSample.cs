namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>How many of a Deployment's pods were ready at a moment (recorded on every change).</summary>
/// <param name="At">When.</param>
/// <param name="Ready">Ready pods.</param>
/// <param name="Total">All pods, old and new.</param>
public sealed record ReadyCountSample(DateTimeOffset At, int Ready, int Total);
