using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>
/// A string with deferred parts, written as an interpolated string: <c>ReferenceExpression.Create($"--url={endpoint}")</c>.
/// The literal parts and the value providers are kept apart, so one model yields run-time values when running and
/// placeholders when publishing.
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private ReferenceExpression(string format, IReadOnlyList<IValueProvider> valueProviders)
    {
        Format = format;
        ValueProviders = valueProviders;
    }

    /// <summary>Gets the composite format string, with <c>{0}</c>, <c>{1}</c>… for the deferred parts.</summary>
    public string Format { get; }

    /// <summary>Gets the deferred parts, in the order of their placeholders.</summary>
    public IReadOnlyList<IValueProvider> ValueProviders { get; }

    /// <inheritdoc />
    public string ValueExpression => string.Format(CultureInfo.InvariantCulture, Format,
        ValueProviders.Select(p => p is IManifestExpressionProvider m ? m.ValueExpression : p.ToString()).ToArray<object?>());

    /// <summary>Creates an expression from an interpolated string.</summary>
    /// <param name="handler">The interpolated string.</param>
    /// <returns>The expression.</returns>
    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.Build();

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default)
    {
        var values = new object?[ValueProviders.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = await ValueProviders[i].GetValueAsync(context, cancellationToken).ConfigureAwait(false);
        }

        return string.Format(CultureInfo.InvariantCulture, Format, values);
    }

    /// <inheritdoc />
    public override string ToString() => ValueExpression;

    /// <summary>Collects the literal and deferred parts of an interpolated string.</summary>
    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly StringBuilder _format;
        private readonly List<IValueProvider> _providers;

        /// <summary>Initializes the handler; called by the compiler.</summary>
        /// <param name="literalLength">The total length of the literal parts.</param>
        /// <param name="formattedCount">The number of holes.</param>
        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _format = new StringBuilder(literalLength + formattedCount * 4);
            _providers = new List<IValueProvider>(formattedCount);
        }

        /// <summary>Appends a literal part; called by the compiler.</summary>
        /// <param name="value">The literal.</param>
        public readonly void AppendLiteral(string value) => _format.Append(Escape(value));

        /// <summary>Appends a hole; deferred values stay deferred, anything else becomes a literal.</summary>
        /// <typeparam name="T">The value's type.</typeparam>
        /// <param name="value">The value.</param>
        public readonly void AppendFormatted<T>(T value)
        {
            if (value is IValueProvider provider)
            {
                _format.Append('{').Append(_providers.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
                _providers.Add(provider);
            }
            else
            {
                _format.Append(Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }

        internal readonly ReferenceExpression Build() => new(_format.ToString(), _providers.ToArray());

        private static string Escape(string literal) => literal.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
    }
}
