namespace VllmAspire.Testing.Fakes.Otlp;

/// <summary>A span as an OTLP exporter sent it.</summary>
/// <param name="ServiceName">The resource's <c>service.name</c>.</param>
/// <param name="Scope">The instrumentation scope (the ActivitySource's name).</param>
/// <param name="TraceId">The trace ID, lower-case hex.</param>
/// <param name="SpanId">The span ID, lower-case hex.</param>
/// <param name="ParentSpanId">The parent's span ID, or empty for a root span.</param>
/// <param name="Name">The span's name.</param>
/// <param name="Start">When it started.</param>
/// <param name="End">When it ended.</param>
/// <param name="Attributes">Its attributes (strings, booleans, longs, doubles).</param>
/// <param name="Events">Its events.</param>
/// <param name="StatusCode">0 unset, 1 ok, 2 error.</param>
/// <param name="StatusMessage">The status description.</param>
public sealed record OtlpSpan(
    string? ServiceName,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<OtlpEvent> Events,
    int StatusCode,
    string? StatusMessage)
{
    /// <summary>The OTLP status code of an error.</summary>
    public const int Error = 2;

    /// <summary>The OTLP status code of a success.</summary>
    public const int Ok = 1;
}

/// <summary>A span event as an OTLP exporter sent it.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Attributes">Its attributes.</param>
public sealed record OtlpEvent(string Name, DateTimeOffset Time, IReadOnlyDictionary<string, object?> Attributes);
