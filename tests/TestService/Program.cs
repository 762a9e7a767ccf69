// A small service on ServiceDefaults, for the tests of ServiceDefaults itself. Every behaviour is switched by an
// environment variable:
//   ASPNETCORE_URLS          where it listens
//   TEST_PRINT_LINES         ';'-separated lines printed to stdout after the start line
//   TEST_PRINT_STDERR        a line printed to stderr after those
//   TEST_HEALTH_FILE         /health is Healthy only while this file exists (always Healthy when unset)
// Endpoints: GET /whoami, GET /env, GET /call/{service}, plus the ServiceDefaults endpoints.
using VllmAspire.TestService;

var pid = Environment.ProcessId;
Console.WriteLine($"TestService started pid={pid}");

if (Environment.GetEnvironmentVariable("TEST_PRINT_LINES") is { } lines)
{
    foreach (var line in lines.Split(';'))
    {
        Console.WriteLine(line);
    }
}

if (Environment.GetEnvironmentVariable("TEST_PRINT_STDERR") is { } error)
{
    Console.Error.WriteLine(error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Per-request logs would bury the lines tests look for in the console output.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddHealthChecks()
    .AddCheck("health-file", new FileHealthCheck(Environment.GetEnvironmentVariable("TEST_HEALTH_FILE")));
var app = builder.Build();
app.MapDefaultEndpoints();

app.MapGet("/whoami", () => Results.Json(new
{
    name = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"),
    pid,
    url = Environment.GetEnvironmentVariable("ASPNETCORE_URLS"),
}));

string[] visiblePrefixes = ["services__", "OTEL_", "ASPNETCORE_", "TEST_"];
app.MapGet("/env", () => Environment.GetEnvironmentVariables()
    .Cast<System.Collections.DictionaryEntry>()
    .Select(e => (Name: (string)e.Key, Value: (string?)e.Value ?? ""))
    .Where(e => visiblePrefixes.Any(p => e.Name.StartsWith(p, StringComparison.Ordinal)))
    .OrderBy(e => e.Name, StringComparer.Ordinal)
    .ToDictionary(e => e.Name, e => e.Value));

// "http://{service}" is resolved by Microsoft.Extensions.ServiceDiscovery from services__{service}__http__0.
app.MapGet("/call/{service}", async (string service, IHttpClientFactory clients, CancellationToken cancellationToken) =>
{
    using var client = clients.CreateClient();
    client.BaseAddress = new Uri($"http://{service}");
    using var response = await client.GetAsync(new Uri("/whoami", UriKind.Relative), cancellationToken);
    var body = await response.Content.ReadAsStringAsync(cancellationToken);
    return Results.Content(body, "application/json", statusCode: (int)response.StatusCode);
});

await app.RunAsync();
