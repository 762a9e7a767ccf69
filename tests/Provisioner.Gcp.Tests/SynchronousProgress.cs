namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>An <see cref="IProgress{T}"/> that records on the reporting thread (Progress&lt;T&gt; posts later).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
