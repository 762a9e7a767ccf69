namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Aspire's resource name rules, which also keep names usable as Kubernetes DNS labels.</summary>
public static class ResourceName
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxLength = 64;

    /// <summary>Throws when <paramref name="name"/> is not a valid resource name.</summary>
    /// <param name="name">The name to check.</param>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which and how to fix it.</exception>
    public static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var problem = Check(name);
        if (problem is not null)
        {
            throw new ArgumentException($"Resource name '{name}' is invalid: {problem}", nameof(name));
        }
    }

    /// <summary>Returns what is wrong with <paramref name="name"/>, or <see langword="null"/> when it is valid.</summary>
    /// <param name="name">The name to check.</param>
    /// <returns>A description of the problem and its fix, or <see langword="null"/>.</returns>
    public static string? Check(string name)
    {
        if (name.Length > MaxLength)
        {
            return $"it has {name.Length} characters; use at most {MaxLength}.";
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return "it must start with an ASCII letter.";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return $"'{c}' is not allowed; use ASCII letters, digits and hyphens.";
            }
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            return "it must not contain two hyphens in a row.";
        }

        return name.EndsWith('-') ? "it must not end with a hyphen." : null;
    }
}
