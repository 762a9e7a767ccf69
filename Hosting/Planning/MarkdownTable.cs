using System.Text;

namespace VllmAspire.Hosting.Planning;

/// <summary>A GitHub-flavoured Markdown table, the form pipeline steps log tables in (the aspire CLI renders Markdown).</summary>
/// <param name="headers">The column headers.</param>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row.</summary>
    /// <param name="cells">One cell per column.</param>
    public void AddRow(params string[] cells) => _rows.Add(cells);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        Line(text, headers);
        Line(text, headers.Select(_ => "---"));
        foreach (var row in _rows)
        {
            Line(text, row);
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
}
