using System.CommandLine;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Lets a verb accept configuration overrides such as <c>--Parameters:gcp-project=my-project</c> (read by the host's
/// configuration) while still rejecting unknown options.
/// </summary>
internal static class ConfigurationOverrides
{
    /// <summary>Lets unmatched tokens through parsing, so <see cref="Reject"/> can tell overrides from mistakes.</summary>
    /// <param name="command">The command.</param>
    public static void Allow(Command command) => command.TreatUnmatchedTokensAsErrors = false;

    /// <summary>Prints every unmatched token that is not a <c>--Section:Key=value</c> override.</summary>
    /// <param name="parseResult">The parse result.</param>
    /// <returns>Whether any token was rejected.</returns>
    public static bool Reject(ParseResult parseResult)
    {
        var rejected = parseResult.UnmatchedTokens.Where(t => !(t.StartsWith("--", StringComparison.Ordinal) && t.Contains(':', StringComparison.Ordinal))).ToList();
        foreach (var token in rejected)
        {
            Console.Error.WriteLine($"Unrecognized argument '{token}'. Configuration overrides look like --Parameters:gcp-project=VALUE; --help lists the options.");
        }

        return rejected.Count > 0;
    }
}
