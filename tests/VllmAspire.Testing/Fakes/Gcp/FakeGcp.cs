using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>
/// Fake Compute v1, Container v1 and Cloud Resource Manager v1 in-process on a loopback port, following
/// reference/gcp.md: operations that take time, Google's error bodies, requestId idempotency, one node-pool operation
/// per cluster, IAM etags. Every request is checked against the discovery documents and rejected with 400 if invalid;
/// <see cref="Requests"/> records them all. <see cref="Faults"/> switches on transient errors, operation errors and hooks.
/// </summary>
public sealed class FakeGcp : IAsyncDisposable
{
    /// <summary>The only bearer token the fakes accept; <see cref="ClientConfiguration"/> hands it out.</summary>
    public const string AccessToken = "fake-access-token";

    private readonly List<FakeGcpRequest> _requests = [];
    private WebApplication? _app;

    private FakeGcp(string discoveryDirectory, TimeProvider time)
    {
        Time = time;
        Compute = new FakeCompute(this, DiscoveryDocument.Load(Path.Combine(discoveryDirectory, "compute.v1.json")));
        Container = new FakeContainer(this, DiscoveryDocument.Load(Path.Combine(discoveryDirectory, "container.v1.json")));
        ResourceManager = new FakeResourceManager(this, DiscoveryDocument.Load(Path.Combine(discoveryDirectory, "cloudresourcemanager.v1.json")));
    }

    /// <summary>Gets the fake Compute Engine.</summary>
    public FakeCompute Compute { get; }

    /// <summary>Gets the fake GKE API.</summary>
    public FakeContainer Container { get; }

    /// <summary>Gets the fake Resource Manager.</summary>
    public FakeResourceManager ResourceManager { get; }

    /// <summary>Gets the fault switches.</summary>
    public FakeGcpFaults Faults { get; } = new();

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets every request received so far.</summary>
    public IReadOnlyList<FakeGcpRequest> Requests
    {
        get
        {
            lock (Gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the requests the discovery documents reject.</summary>
    public IReadOnlyList<FakeGcpRequest> InvalidRequests => Requests.Where(r => r.Problems.Count > 0).ToList();

    /// <summary>Gets the requests of methods that change state (inserts, deletes, creates, setIamPolicy), whatever the answer.</summary>
    public IReadOnlyList<FakeGcpRequest> Writes => Requests.Where(r => r.IsWrite).ToList();

    /// <summary>Gets the lock that guards the state of all three APIs.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Gets the clock.</summary>
    internal TimeProvider Time { get; }

    /// <summary>Starts the fakes on a loopback port.</summary>
    /// <param name="discoveryDirectory">The folder with compute.v1.json, container.v1.json and cloudresourcemanager.v1.json; defaults to the shared reference.</param>
    /// <param name="time">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The running fakes.</returns>
    public static async Task<FakeGcp> StartAsync(string? discoveryDirectory = null, TimeProvider? time = null)
    {
        var fake = new FakeGcp(discoveryDirectory ?? RepositoryPaths.Discovery, time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        fake._app = app;
        return fake;
    }

    /// <summary>The configuration that points the Provisioner's GCP clients at these fakes, with a token.</summary>
    /// <returns>Configuration keys and values.</returns>
    public Dictionary<string, string?> ClientConfiguration() => new()
    {
        ["Gcp:Endpoints:Compute"] = new Uri(BaseAddress, Compute.Prefix).ToString(),
        ["Gcp:Endpoints:Container"] = new Uri(BaseAddress, Container.Prefix).ToString(),
        ["Gcp:Endpoints:ResourceManager"] = new Uri(BaseAddress, ResourceManager.Prefix).ToString(),
        ["GOOGLE_OAUTH_ACCESS_TOKEN"] = AccessToken,
    };

    /// <summary>Forgets the recorded requests (state stays).</summary>
    public void ClearRequests()
    {
        lock (Gate)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpContext http, FakeResult result)
    {
        http.Response.StatusCode = result.StatusCode;
        http.Response.ContentType = "application/json; charset=UTF-8";
        await http.Response.WriteAsync(result.Body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private FakeResult Transient() => Faults.RollBit()
        ? GoogleErrorBodies.Rpc(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'.", "RATE_LIMIT_EXCEEDED")
        : GoogleErrorBodies.Rpc(503, "UNAVAILABLE", "The service is currently unavailable.");

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        FakeGcpApi? api = new FakeGcpApi[] { Compute, Container, ResourceManager }.FirstOrDefault(a => path.StartsWith("/" + a.Prefix, StringComparison.Ordinal));
        if (api is null)
        {
            await WriteAsync(http, GoogleErrorBodies.Rpc(404, "NOT_FOUND", $"No API is served at {path}.")).ConfigureAwait(false);
            return;
        }

        var relative = path[(1 + api.Prefix.Length)..];
        var url = api.Discovery.BaseUrl + relative + http.Request.QueryString.Value;
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        JsonNode? body = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                await WriteAsync(http, GoogleErrorBodies.Invalid([$"The body is not JSON: {ex.Message}"])).ConfigureAwait(false);
                return;
            }
        }

        var route = api.Routes.FirstOrDefault(r => r.HttpMethod == http.Request.Method && r.Pattern.IsMatch(relative));
        var problems = route is null ? [] : api.Discovery.ValidateRequest(route.MethodId, http.Request.Method, url, body);
        var record = new FakeGcpRequest(route?.MethodId ?? "", http.Request.Method, url, body?.DeepClone(), problems);
        lock (Gate)
        {
            _requests.Add(record);
        }

        var result = await AnswerAsync(http, api, route, record, relative, body).ConfigureAwait(false);
        record.StatusCode = result.StatusCode;
        await WriteAsync(http, result).ConfigureAwait(false);
    }

    private async Task<FakeResult> AnswerAsync(HttpContext http, FakeGcpApi api, FakeApiRoute? route, FakeGcpRequest record, string relative, JsonNode? body)
    {
        if (route is null)
        {
            return GoogleErrorBodies.Rpc(404, "NOT_FOUND", $"The requested URL /{api.Prefix}{relative} ({http.Request.Method}) was not found on this server.");
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length)
        {
            return GoogleErrorBodies.Rpc(401, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "CREDENTIALS_MISSING");
        }

        if (authorization["Bearer ".Length..] != AccessToken)
        {
            return GoogleErrorBodies.Rpc(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "ACCESS_TOKEN_TYPE_UNSUPPORTED");
        }

        if (record.Problems.Count > 0)
        {
            return GoogleErrorBodies.Invalid(record.Problems);
        }

        foreach (var hook in Faults.HooksFor(route.MethodId))
        {
            try
            {
                await hook(record).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                record.InjectedFault = true;
                return GoogleErrorBodies.Rpc(503, "UNAVAILABLE", $"hook failed: {ex.Message}");
            }
        }

        if (Faults.TakeAnswer(route.MethodId) is { } fixedAnswer)
        {
            record.InjectedFault = true;
            return fixedAnswer;
        }

        var roll = Faults.TakeLostAnswer(route.MethodId) ? 2 : Faults.RollTransient();
        if (roll == 1)
        {
            record.InjectedFault = true;
            return Transient();
        }

        lock (Gate)
        {
            var now = Time.GetUtcNow();
            Compute.Advance(now);
            Container.Advance(now);
            ResourceManager.Advance(now);
        }

        var match = route.Pattern.Match(relative);
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var result = await route.Handler(new FakeCall(match.Groups, query, body as JsonObject, relative), http.RequestAborted).ConfigureAwait(false);
        if (roll == 2)
        {
            // The work is done, but the caller never hears of it.
            record.InjectedFault = true;
            return Transient();
        }

        return result;
    }
}
