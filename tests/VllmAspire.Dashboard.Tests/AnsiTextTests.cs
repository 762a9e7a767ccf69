namespace VllmAspire.Hosting.Dashboard.Tests;

public class AnsiTextTests
{
    [Fact]
    public void PlainTextIsOneUnstyledSpan()
    {
        var span = Assert.Single(AnsiText.Parse("<b>not markup</b>"));
        Assert.Equal("<b>not markup</b>", span.Text);
        Assert.Equal("", span.CssClass);
    }

    [Fact]
    public void ColoursBoldAndResetBecomeSpans()
    {
        var spans = AnsiText.Parse("a \u001b[1;31mred\u001b[0m b \u001b[92;44mgreen on blue\u001b[39m still blue\u001b[m end");
        Assert.Equal(["a ", "red", " b ", "green on blue", " still blue", " end"], spans.Select(s => s.Text));
        Assert.Equal(["", "fg-red bold", "", "fg-bright-green bg-blue", "bg-blue", ""], spans.Select(s => s.CssClass));
    }

    [Fact]
    public void OtherEscapesAreDroppedAndTruncatedOnesDoNotThrow()
    {
        // Cursor movement, 256-colour and an unterminated sequence: the text stays, the escapes go.
        var spans = AnsiText.Parse("\u001b[2Kline\u001b[38;5;196m two\u001b7 three \u001b[");
        Assert.Equal("line two three ", string.Concat(spans.Select(s => s.Text)));
        Assert.DoesNotContain(spans, s => s.Text.Contains('\u001b', StringComparison.Ordinal));
        Assert.All(spans, s => Assert.DoesNotContain("38", s.CssClass, StringComparison.Ordinal));
    }
}
