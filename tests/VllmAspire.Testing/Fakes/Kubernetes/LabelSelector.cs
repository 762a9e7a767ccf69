using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>A parsed label selector (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>), as the API server evaluates it.</summary>
public sealed partial class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms = [];

    private LabelSelector()
    {
    }

    /// <summary>Parses a selector; an empty or missing one matches everything.</summary>
    /// <param name="text">The selector.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="FormatException">The selector is malformed.</exception>
    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        // Split on commas outside parentheses.
        foreach (Match term in Term().Matches(text))
        {
            var t = term.Value.Trim();
            if (SetTerm().Match(t) is { Success: true } set)
            {
                var key = set.Groups["k"].Value;
                var values = set.Groups["v"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                var negate = set.Groups["op"].Value == "notin";
                selector._terms.Add(l => negate ? !(l.TryGetValue(key, out var v) && values.Contains(v)) : l.TryGetValue(key, out var w) && values.Contains(w));
            }
            else if (EqualityTerm().Match(t) is { Success: true } eq)
            {
                var key = eq.Groups["k"].Value;
                var value = eq.Groups["v"].Value;
                var negate = eq.Groups["op"].Value == "!=";
                selector._terms.Add(l => negate ? !(l.TryGetValue(key, out var v) && v == value) : l.TryGetValue(key, out var w) && w == value);
            }
            else if (ExistsTerm().Match(t) is { Success: true } exists)
            {
                var key = exists.Groups["k"].Value;
                var negate = exists.Groups["not"].Success;
                selector._terms.Add(l => l.ContainsKey(key) != negate);
            }
            else
            {
                throw new FormatException($"unable to parse requirement: {t}");
            }
        }

        return selector;
    }

    /// <summary>Gets whether an object's labels match.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(JsonObject obj)
    {
        var labels = (obj["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => (string?)p.Value ?? "") ?? [];
        return _terms.All(t => t(labels));
    }

    [GeneratedRegex(@"[^,(]+(\([^)]*\))?")]
    private static partial Regex Term();

    [GeneratedRegex(@"^(?<k>[A-Za-z0-9._/-]+)\s+(?<op>in|notin)\s*\((?<v>[^)]*)\)$")]
    private static partial Regex SetTerm();

    [GeneratedRegex(@"^(?<k>[A-Za-z0-9._/-]+)\s*(?<op>==|=|!=)\s*(?<v>[A-Za-z0-9._-]*)$")]
    private static partial Regex EqualityTerm();

    [GeneratedRegex(@"^(?<not>!)?(?<k>[A-Za-z0-9._/-]+)$")]
    private static partial Regex ExistsTerm();
}
