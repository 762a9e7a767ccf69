namespace VllmAspire.Testing.Fakes.Otlp;

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto, <c>collector/trace/v1</c>) into spans, by
/// the field numbers of <c>trace/v1/trace.proto</c>, <c>resource/v1/resource.proto</c> and <c>common/v1/common.proto</c>.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(ReadOnlyMemory<byte> request)
    {
        var spans = new List<OtlpSpan>();
        Fields(request, (field, reader) => field == 1 && Add(spans, ResourceSpans(reader.ReadBytes())));
        return spans;
    }

    // ResourceSpans: 1 resource (attributes 1), 2 scope spans.
    private static List<OtlpSpan> ResourceSpans(ReadOnlyMemory<byte> message)
    {
        var resource = new Dictionary<string, object?>();
        var scopes = new List<ReadOnlyMemory<byte>>();
        Fields(message, (field, reader) => field switch
        {
            1 => Fields(reader.ReadBytes(), (f, r) => f == 1 && KeyValue(r.ReadBytes(), resource)),
            2 => Add(scopes, reader.ReadBytes()),
            _ => false,
        });
        var service = resource.GetValueOrDefault("service.name") as string;
        return [.. scopes.SelectMany(s => ScopeSpans(s, service))];
    }

    // ScopeSpans: 1 scope (name 1), 2 spans.
    private static List<OtlpSpan> ScopeSpans(ReadOnlyMemory<byte> message, string? service)
    {
        var scope = "";
        var spans = new List<ReadOnlyMemory<byte>>();
        Fields(message, (field, reader) => field switch
        {
            1 => Fields(reader.ReadBytes(), (f, r) => f == 1 && Set(out scope, r.ReadString())),
            2 => Add(spans, reader.ReadBytes()),
            _ => false,
        });
        return [.. spans.Select(s => Span(s, service, scope))];
    }

    // Span: 1 trace id, 2 span id, 4 parent span id, 5 name, 7/8 start/end (fixed64 ns), 9 attributes, 11 events, 15 status.
    private static OtlpSpan Span(ReadOnlyMemory<byte> message, string? service, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        string? statusMessage = null;
        ulong start = 0, end = 0;
        var statusCode = 0;
        var attributes = new Dictionary<string, object?>();
        var events = new List<OtlpEvent>();
        Fields(message, (field, reader) => field switch
        {
            1 => Set(out traceId, Convert.ToHexStringLower(reader.ReadBytes().Span)),
            2 => Set(out spanId, Convert.ToHexStringLower(reader.ReadBytes().Span)),
            4 => Set(out parent, Convert.ToHexStringLower(reader.ReadBytes().Span)),
            5 => Set(out name, reader.ReadString()),
            7 => Set(out start, reader.ReadFixed64()),
            8 => Set(out end, reader.ReadFixed64()),
            9 => KeyValue(reader.ReadBytes(), attributes),
            11 => Add(events, Event(reader.ReadBytes())),
            // Status: 2 message, 3 code.
            15 => Fields(reader.ReadBytes(), (f, r) => f switch
            {
                2 => Set(out statusMessage, r.ReadString()),
                3 => Set(out statusCode, (int)r.ReadVarint()),
                _ => false,
            }),
            _ => false,
        });
        return new OtlpSpan(service, scope, traceId, spanId, parent, name, Time(start), Time(end), attributes, events, statusCode, statusMessage);
    }

    // Event: 1 time (fixed64 ns), 2 name, 3 attributes.
    private static OtlpEvent Event(ReadOnlyMemory<byte> message)
    {
        ulong time = 0;
        var name = "";
        var attributes = new Dictionary<string, object?>();
        Fields(message, (field, reader) => field switch
        {
            1 => Set(out time, reader.ReadFixed64()),
            2 => Set(out name, reader.ReadString()),
            3 => KeyValue(reader.ReadBytes(), attributes),
            _ => false,
        });
        return new OtlpEvent(name, Time(time), attributes);
    }

    // KeyValue: 1 key, 2 AnyValue (1 string, 2 bool, 3 int64, 4 double; arrays, maps and bytes are not read).
    private static bool KeyValue(ReadOnlyMemory<byte> message, Dictionary<string, object?> into)
    {
        var key = "";
        object? value = null;
        Fields(message, (field, reader) => field switch
        {
            1 => Set(out key, reader.ReadString()),
            2 => Fields(reader.ReadBytes(), (f, r) => f switch
            {
                1 => Set(out value, r.ReadString()),
                2 => Set(out value, r.ReadVarint() != 0),
                3 => Set(out value, (long)r.ReadVarint()),
                4 => Set(out value, BitConverter.UInt64BitsToDouble(r.ReadFixed64())),
                _ => false,
            }),
            _ => false,
        });
        into[key] = value;
        return true;
    }

    // Calls read with each field of a message; read returns false for a field it does not take, which is skipped.
    private static bool Fields(ReadOnlyMemory<byte> message, Func<int, ProtobufReader, bool> read)
    {
        var reader = new ProtobufReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (!read(field, reader))
            {
                reader.Skip(wire);
            }
        }

        return true;
    }

    private static bool Set<T>(out T target, T value)
    {
        target = value;
        return true;
    }

    private static bool Add<T>(List<T> list, T item)
    {
        list.Add(item);
        return true;
    }

    private static bool Add<T>(List<T> list, IEnumerable<T> items)
    {
        list.AddRange(items);
        return true;
    }

    private static DateTimeOffset Time(ulong unixNanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));
}
