using System.Text.Json;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>A Kubernetes label selector in string form (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, <c>key</c>, <c>!key</c>).</summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<Requirement> requirements) => Requirements = requirements;

    /// <summary>Gets the selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Gets the requirements, all of which must hold.</summary>
    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>Parses a selector string; empty or null matches everything.</summary>
    /// <param name="text">The selector.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="FormatException">The selector is malformed; the message says where.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    /// <param name="labels">The labels.</param>
    /// <returns>Whether they match.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(r => r.Matches(labels));

    /// <summary>Returns a copy whose keys are mapped (e.g. GKE's <c>metric.labels.X</c> to <c>X</c>).</summary>
    /// <param name="map">Maps a key.</param>
    /// <returns>The mapped selector.</returns>
    public LabelSelector MapKeys(Func<string, string> map) => new([.. Requirements.Select(r => r with { Key = map(r.Key) })]);

    /// <summary>Writes the selector as a metav1.LabelSelector (<c>matchLabels</c> and <c>matchExpressions</c>).</summary>
    /// <param name="writer">The writer.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        var equal = Requirements.Where(r => r.Operator == SelectorOperator.Equals).ToList();
        if (equal.Count > 0)
        {
            writer.WriteStartObject("matchLabels");
            foreach (var r in equal)
            {
                writer.WriteString(r.Key, r.Values[0]);
            }

            writer.WriteEndObject();
        }

        var expressions = Requirements.Where(r => r.Operator != SelectorOperator.Equals).ToList();
        if (expressions.Count > 0)
        {
            writer.WriteStartArray("matchExpressions");
            foreach (var r in expressions)
            {
                writer.WriteStartObject();
                writer.WriteString("key", r.Key);
                writer.WriteString("operator", r.Operator switch
                {
                    SelectorOperator.NotEquals or SelectorOperator.NotIn => "NotIn",
                    SelectorOperator.In => "In",
                    SelectorOperator.Exists => "Exists",
                    _ => "DoesNotExist",
                });
                if (r.Values.Count > 0)
                {
                    writer.WriteStartArray("values");
                    foreach (var v in r.Values)
                    {
                        writer.WriteStringValue(v);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw new FormatException($"label selector '{whole}' has an empty requirement; separate requirements with single commas");
        }

        if (part[0] == '!')
        {
            return new Requirement(CheckKey(part[1..].Trim(), whole), SelectorOperator.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", SelectorOperator.NotEquals), ("==", SelectorOperator.Equals), ("=", SelectorOperator.Equals) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = part[(at + token.Length)..].Trim();
                return new Requirement(CheckKey(part[..at].Trim(), whole), op, [value]);
            }
        }

        var space = part.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return new Requirement(CheckKey(part, whole), SelectorOperator.Exists, []);
        }

        var key = CheckKey(part[..space].Trim(), whole);
        var rest = part[space..].Trim();
        SelectorOperator setOp;
        if (rest.StartsWith("notin", StringComparison.Ordinal))
        {
            setOp = SelectorOperator.NotIn;
            rest = rest["notin".Length..].Trim();
        }
        else if (rest.StartsWith("in", StringComparison.Ordinal))
        {
            setOp = SelectorOperator.In;
            rest = rest["in".Length..].Trim();
        }
        else
        {
            throw new FormatException($"label selector '{whole}': '{part}' is not key=value, key!=value, key in (...), key notin (...), key or !key");
        }

        if (rest.Length < 2 || rest[0] != '(' || rest[^1] != ')')
        {
            throw new FormatException($"label selector '{whole}': the values of '{key}' must be in parentheses, e.g. {key} in (a,b)");
        }

        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new Requirement(key, setOp, values);
    }

    private static string CheckKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw new FormatException($"label selector '{whole}': '{key}' is not a valid label key");
        }

        return key;
    }

    /// <summary>One requirement of a selector.</summary>
    /// <param name="Key">The label key.</param>
    /// <param name="Operator">The operator.</param>
    /// <param name="Values">The values (one for equality, several for set operators, none for existence).</param>
    public sealed record Requirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
    {
        /// <summary>Whether the labels satisfy this requirement.</summary>
        /// <param name="labels">The labels.</param>
        /// <returns>Whether they match.</returns>
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                SelectorOperator.Equals => has && value == Values[0],
                SelectorOperator.NotEquals => !has || value != Values[0],
                SelectorOperator.In => has && Values.Contains(value!),
                SelectorOperator.NotIn => !has || !Values.Contains(value!),
                SelectorOperator.Exists => has,
                _ => !has,
            };
        }
    }
}

/// <summary>The operators of a label selector requirement.</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>.</summary>
    Equals,

    /// <summary><c>key!=value</c>.</summary>
    NotEquals,

    /// <summary><c>key in (a,b)</c>.</summary>
    In,

    /// <summary><c>key notin (a,b)</c>.</summary>
    NotIn,

    /// <summary><c>key</c>.</summary>
    Exists,

    /// <summary><c>!key</c>.</summary>
    DoesNotExist,
}
