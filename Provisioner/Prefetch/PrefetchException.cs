namespace VllmAspire.Provisioner.Prefetch;

/// <summary>Prefetching cannot go on; the message names the path, what is wrong and how to fix it.</summary>
/// <param name="message">The message.</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class PrefetchException(string message, Exception? inner = null) : Exception(message, inner);
