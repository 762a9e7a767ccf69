namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A resolved environment value or argument, and whether a secret contributed to it.</summary>
/// <param name="Value">The value.</param>
/// <param name="IsSecret">Whether it must be masked wherever it is shown.</param>
public sealed record ResolvedValue(string Value, bool IsSecret)
{
    /// <summary>The text shown in place of a secret.</summary>
    public const string Mask = "******";

    /// <summary>Gets the value as it may be shown: masked when secret.</summary>
    public string Display => IsSecret ? Mask : Value;

    /// <summary>Returns <see cref="Display"/> so a secret cannot leak through string formatting.</summary>
    /// <returns>The displayable value.</returns>
    public override string ToString() => Display;
}
