namespace VllmAspire.Hosting;

/// <summary>The model is wrong in a way the user must fix; the message says how.</summary>
/// <param name="message">What is wrong and how to fix it.</param>
public sealed class DistributedApplicationException(string message) : Exception(message);
