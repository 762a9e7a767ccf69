namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, so a stage's notes reach the runner in order and
/// before the stage's result (<see cref="Progress{T}"/> would post them to the thread pool).
/// </summary>
/// <typeparam name="T">The report type.</typeparam>
/// <param name="report">What to do with each report.</param>
internal sealed class DelegateProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
