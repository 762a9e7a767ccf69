using System.Text;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>A run of console text with the colours and weight its ANSI escape codes gave it.</summary>
/// <param name="Text">The text (never markup: the page renders it escaped).</param>
/// <param name="Foreground">A colour name (<c>red</c>, <c>bright-blue</c>, …) or null.</param>
/// <param name="Background">A colour name or null.</param>
/// <param name="Bold">Whether it is bold.</param>
internal sealed record AnsiSpan(string Text, string? Foreground, string? Background, bool Bold)
{
    /// <summary>The CSS classes for this span (from a fixed set, so nothing from the log reaches an attribute).</summary>
    public string CssClass => string.Join(' ', new[]
    {
        Foreground is null ? null : "fg-" + Foreground,
        Background is null ? null : "bg-" + Background,
        Bold ? "bold" : null,
    }.Where(c => c is not null));
}

/// <summary>Splits console text into spans by its ANSI SGR codes (colours, bold, reset) and drops every other escape.</summary>
internal static class AnsiText
{
    private static readonly string[] Colors = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

    /// <summary>Parses a line.</summary>
    /// <param name="line">The text as the process wrote it.</param>
    /// <returns>The spans, in order.</returns>
    public static IReadOnlyList<AnsiSpan> Parse(string line)
    {
        if (!line.Contains('\u001b', StringComparison.Ordinal))
        {
            return [new AnsiSpan(line, null, null, false)];
        }

        var spans = new List<AnsiSpan>();
        var text = new StringBuilder();
        string? fg = null, bg = null;
        var bold = false;
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] != '\u001b')
            {
                text.Append(line[i++]);
                continue;
            }

            Flush();
            if (i + 1 < line.Length && line[i + 1] == '[')
            {
                // CSI: parameters, then one final byte in @..~; only 'm' (SGR) changes how text looks.
                var end = i + 2;
                while (end < line.Length && line[end] is < '@' or > '~')
                {
                    end++;
                }

                if (end < line.Length && line[end] == 'm')
                {
                    ApplySgr(line[(i + 2)..end]);
                }

                i = Math.Min(end + 1, line.Length);
            }
            else
            {
                i += 2; // a two-character escape: drop it
            }
        }

        Flush();
        return spans;

        void Flush()
        {
            if (text.Length > 0)
            {
                spans.Add(new AnsiSpan(text.ToString(), fg, bg, bold));
                text.Clear();
            }
        }

        void ApplySgr(string parameters)
        {
            var codes = parameters.Length == 0 ? ["0"] : parameters.Split(';');
            for (var k = 0; k < codes.Length; k++)
            {
                if (!int.TryParse(codes[k], out var code))
                {
                    continue;
                }

                switch (code)
                {
                    case 0: fg = bg = null; bold = false; break;
                    case 1: bold = true; break;
                    case 22: bold = false; break;
                    case >= 30 and <= 37: fg = Colors[code - 30]; break;
                    case 39: fg = null; break;
                    case >= 40 and <= 47: bg = Colors[code - 40]; break;
                    case 49: bg = null; break;
                    case >= 90 and <= 97: fg = "bright-" + Colors[code - 90]; break;
                    case >= 100 and <= 107: bg = "bright-" + Colors[code - 100]; break;
                    case 38 or 48: k = codes.Length; break; // 256-colour and RGB forms: keep the text, skip the colour
                }
            }
        }
    }
}
