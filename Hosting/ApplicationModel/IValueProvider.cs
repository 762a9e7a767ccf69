namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A value known only late: at start in run mode (allocated ports, parameter values), or at publish.</summary>
public interface IValueProvider
{
    /// <summary>Resolves the value for the given caller.</summary>
    /// <param name="context">Who asks, in which mode and for which replica.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The value, or <see langword="null"/> when it has none.</returns>
    ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default);
}
