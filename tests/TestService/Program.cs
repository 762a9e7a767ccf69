// A controllable child process for the hosting layer's orchestration tests. Every behaviour is switched by an
// environment variable, so tests configure it with WithEnvironment:
//   ASPNETCORE_URLS          where it listens (set by the orchestrator)
//   TEST_PRINT_LINES         ';'-separated lines printed to stdout after the start line
//   TEST_PRINT_STDERR        a line printed to stderr after those
//   TEST_EXIT_AFTER_START=N  exit with code N after printing, before listening
//   TEST_SPAWN_GRANDCHILD    "true": start `sleep 600` and print "grandchild pid=<pid>"
//   TEST_IGNORE_SIGTERM      "true": SIGTERM neither stops the host nor kills the process (only SIGKILL does)
//   TEST_HEALTH_FILE         /health is Healthy only while this file exists (always Healthy when unset)
// Endpoints: GET /whoami, GET /env, GET /call/{service}, POST /exit?code=N, plus the ServiceDefaults endpoints.
using System.Diagnostics;
using System.Globalization;
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

if (Environment.GetEnvironmentVariable("TEST_EXIT_AFTER_START") is { } startExitCode)
{
    // Before listening: lets tests see a process that dies during start-up, with its output kept.
    return int.Parse(startExitCode, CultureInfo.InvariantCulture);
}

if (IsTrue("TEST_SPAWN_GRANDCHILD"))
{
    // Not awaited or killed here: tests check that the orchestrator kills the whole process group.
    using var grandchild = Process.Start("sleep", "600");
    Console.WriteLine($"grandchild pid={grandchild.Id}");
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Per-request logs would bury the lines tests look for in the console output.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddHealthChecks()
    .AddCheck("health-file", new FileHealthCheck(Environment.GetEnvironmentVariable("TEST_HEALTH_FILE")));
if (IsTrue("TEST_IGNORE_SIGTERM"))
{
    builder.Services.AddSingleton<IHostLifetime, SignalIgnoringLifetime>();
}

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

app.MapPost("/exit", (int code, HttpContext context, IHostApplicationLifetime lifetime) =>
{
    // Stop the host and leave with the code, as a service that gives up would. Stopping from inside the request
    // would make the server wait for this very request, so it happens once the 202 is sent, off the request thread.
    Environment.ExitCode = code;
    context.Response.OnCompleted(() =>
    {
        _ = Task.Run(lifetime.StopApplication);
        return Task.CompletedTask;
    });
    return Results.Accepted();
});

await app.RunAsync();
return Environment.ExitCode;

static bool IsTrue(string name) =>
    string.Equals(Environment.GetEnvironmentVariable(name), "true", StringComparison.OrdinalIgnoreCase);
