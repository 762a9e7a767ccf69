using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Testing.Fakes.Otlp;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP trace receiver (<c>POST /v1/traces</c>, <c>application/x-protobuf</c>) on a
/// loopback port: it decodes every span an exporter sends, so tests read what a real collector (the Aspire
/// dashboard) would show. Point an exporter at it with <see cref="Environment"/>.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly List<OtlpSpan> _spans = [];
    private readonly Lock _lock = new();
    private WebApplication? _app;

    private FakeOtlpCollector()
    {
    }

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:5123</c>, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets the settings that make an OpenTelemetry .NET exporter send here over OTLP/HTTP with protobuf, promptly.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    /// <summary>Gets every span received so far, in the order received.</summary>
    public IReadOnlyList<OtlpSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>Starts the receiver on a free loopback port.</summary>
    /// <returns>The collector.</returns>
    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var collector = new FakeOtlpCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/traces", collector.ReceiveAsync);
        await app.StartAsync().ConfigureAwait(false);
        collector.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        collector._app = app;
        return collector;
    }

    /// <summary>Waits until the spans received satisfy a condition.</summary>
    /// <param name="condition">The condition over every span received so far.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The spans at that moment.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message lists the spans received.</exception>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var spans = Spans;
            if (condition(spans))
            {
                return spans;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The spans received in {timeout} do not satisfy the condition: {string.Join(", ", spans.Select(s => $"{s.Scope}/{s.Name}"))}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body).ConfigureAwait(false);
        var spans = OtlpTraceDecoder.Decode(body.ToArray()).ToList();
        lock (_lock)
        {
            _spans.AddRange(spans);
        }

        // An empty ExportTraceServiceResponse: everything accepted.
        return Results.Bytes([], "application/x-protobuf");
    }
}
