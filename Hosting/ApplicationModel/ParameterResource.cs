namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>
/// A value supplied by configuration section <c>Parameters</c> (<c>Parameters__name</c> in the environment,
/// <c>appsettings.json</c> or user secrets). A secret parameter's value never appears in logs or the dashboard.
/// </summary>
public sealed class ParameterResource : Resource, IValueProvider, IManifestExpressionProvider
{
    private readonly Func<string?> _valueGetter;

    /// <summary>Initializes a new parameter.</summary>
    /// <param name="name">The parameter name; its configuration key is <c>Parameters:{name}</c>.</param>
    /// <param name="valueGetter">Reads the current value, or <see langword="null"/> when it is not set.</param>
    /// <param name="secret">Whether the value is secret.</param>
    public ParameterResource(string name, Func<string?> valueGetter, bool secret = false)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(valueGetter);
        _valueGetter = valueGetter;
        Secret = secret;
    }

    /// <summary>Gets whether the value is secret.</summary>
    public bool Secret { get; }

    /// <summary>Gets or sets a description shown to users who must supply the value.</summary>
    public string? Description { get; set; }

    /// <summary>Gets the configuration key the value is read from.</summary>
    public string ConfigurationKey => $"Parameters:{Name}";

    /// <summary>Gets whether a value is configured.</summary>
    public bool HasValue => !string.IsNullOrEmpty(_valueGetter());

    /// <summary>Gets the value.</summary>
    /// <exception cref="MissingParameterValueException">No value is configured.</exception>
    public string Value => _valueGetter() is { Length: > 0 } value ? value : throw new MissingParameterValueException(this);

    /// <inheritdoc />
    public string ValueExpression => $"{{{Name}.value}}";

    /// <summary>Says how a user sets this parameter.</summary>
    public string HowToSet =>
        $"set {ConfigurationKey} in AppHost/appsettings.json, with `dotnet user-secrets set {ConfigurationKey} VALUE --project AppHost`, or as environment variable Parameters__{Name}";

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(Value);

    /// <summary>Returns the placeholder, never the value, so a secret cannot leak through string formatting.</summary>
    /// <returns>The placeholder expression.</returns>
    public override string ToString() => ValueExpression;
}
