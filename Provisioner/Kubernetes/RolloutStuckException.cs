namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>The Deployment controller gave up on a rollout (condition Progressing, reason ProgressDeadlineExceeded).</summary>
/// <param name="message">The controller's message.</param>
internal sealed class RolloutStuckException(string message) : Exception(message);
