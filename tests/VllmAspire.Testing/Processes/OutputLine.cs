namespace VllmAspire.Testing.Processes;

/// <summary>One line a <see cref="TestProcess"/> wrote.</summary>
/// <param name="Text">The text, without the line break.</param>
/// <param name="IsError">Whether it came from standard error.</param>
public sealed record OutputLine(string Text, bool IsError);
