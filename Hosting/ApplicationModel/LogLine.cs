namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>One line of a resource's console output.</summary>
/// <param name="Number">The line's sequence number within the resource, from 1.</param>
/// <param name="Timestamp">When the line was read.</param>
/// <param name="Source">The replica that wrote it (e.g. <c>vllm-1</c>), or the resource name for AppHost messages.</param>
/// <param name="Text">The text, without the line break.</param>
/// <param name="IsError">Whether it came from standard error.</param>
public sealed record LogLine(long Number, DateTimeOffset Timestamp, string Source, string Text, bool IsError);
