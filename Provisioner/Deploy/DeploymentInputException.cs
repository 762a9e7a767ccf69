namespace VllmAspire.Provisioner.Deploy;

/// <summary>
/// The input of a deploy or destroy is unusable (a missing published folder, an invalid plan, missing credentials):
/// the message names the input, what is wrong and how to fix it. Nothing has been changed; the CLI exits with 2.
/// </summary>
internal sealed class DeploymentInputException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentInputException"/> class.</summary>
    /// <param name="message">The input, what is wrong, and the fix.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public DeploymentInputException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
