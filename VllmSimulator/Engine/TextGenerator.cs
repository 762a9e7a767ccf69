using System.Text;
using System.Text.RegularExpressions;

namespace VllmAspire.VllmSimulator.Engine;

/// <summary>
/// Deterministic stand-in for the model: the output is a pure function of (prompt, max_tokens), so tests and
/// benchmarks can pin it, and token counts follow one consistent approximate tokenizer.
/// </summary>
public static partial class TextGenerator
{
    private static readonly string[] Vocabulary =
    [
        "the", "model", "serves", "tokens", "quickly", "from", "a", "warm", "cache", "and", "weights", "load",
        "in", "parallel", "while", "pods", "scale", "out", "on", "fast", "disks", "with", "read-ahead", "tuned",
        "queue", "depth", "stays", "low", "because", "autoscaler", "adds", "replicas", "before", "users", "wait",
        "every", "request", "gets", "its", "answer", "streamed", "token", "by", "so", "latency", "feels", "small",
        "GPU", "memory", "holds", "KV", "blocks", "for", "each", "sequence", "that", "runs", "batch", "engine",
        "keeps", "busy", "page", "prefetch", "helps",
    ];

    [GeneratedRegex(@"\w+|[^\w\s]", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    /// <summary>Counts tokens approximately: each word and each punctuation mark is one token.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count.</returns>
    public static int CountTokens(string text) => TokenPattern().Count(text);

    /// <summary>
    /// The completion for <paramref name="prompt"/>: each token is a word with a leading space. Its natural length
    /// (16 to 63 tokens) comes from the prompt's hash; when <paramref name="maxTokens"/> cuts it short the finish
    /// reason is <c>length</c>, otherwise <c>stop</c>.
    /// </summary>
    /// <param name="prompt">The prompt text (for chat, the rendered conversation).</param>
    /// <param name="maxTokens">The most tokens to produce (at least 1).</param>
    /// <returns>The tokens and the finish reason.</returns>
    public static (IReadOnlyList<string> Tokens, string FinishReason) Generate(string prompt, int maxTokens)
    {
        var seed = Fnv1a(prompt);
        var natural = 16 + (int)(Mix(seed) % 48);
        var n = Math.Min(natural, Math.Max(1, maxTokens));
        var tokens = new string[n];
        for (var i = 0; i < n; i++)
        {
            tokens[i] = " " + Vocabulary[(int)(Mix(seed + (ulong)i + 1) % (ulong)Vocabulary.Length)];
        }

        return (tokens, n < natural ? "length" : "stop");
    }

    private static ulong Fnv1a(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return h;
    }

    // splitmix64 finaliser: spreads nearby seeds over the whole range.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
