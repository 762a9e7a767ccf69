using System.Diagnostics;
using System.Net;
using System.Reflection;
using VllmAspire.Testing.Processes;

namespace VllmAspire.ServiceDefaults.Tests;

/// <summary>
/// A service started from its build output as <c>dotnet &lt;dll&gt;</c> on loopback port 0, with its output captured: it
/// binds a port nothing else holds and names it (<see cref="BaseAddress"/> once it listens). Disposing kills it and
/// everything it started.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    public const string TestService = "VllmAspire.TestService";
    public const string Provisioner = "VllmAspire.Provisioner";
    public const string MetricsAdapterShim = "VllmAspire.MetricsAdapterShim";

    /// <summary>The <c>ASPNETCORE_URLS</c> every service is given.</summary>
    public const string ListenUrl = "http://127.0.0.1:0";

    // Variables of the contract under test: the child gets only what each test sets.
    private static readonly string[] ControlledPrefixes = ["services__", "OTEL_", "ASPNETCORE_", "TEST_", "Provisioner__"];

    private readonly TestProcess child;
    private HttpClient? http;

    private ServiceProcess(TestProcess child) => this.child = child;

    public Process Process => child.Process;

    /// <summary>Gets the address the service listens on, known once <see cref="WaitUntilAliveAsync"/> has returned.</summary>
    public Uri BaseAddress => Http.BaseAddress!;

    /// <summary>Gets a client of the service, once <see cref="WaitUntilAliveAsync"/> has returned.</summary>
    public HttpClient Http => http ?? throw new InvalidOperationException("The service's port is known once it listens: await WaitUntilAliveAsync first.");

    public IReadOnlyList<string> Output => child.OutputLines;

    public IReadOnlyList<string> Errors => child.ErrorLines;

    public static ServiceProcess Start(string assemblyName, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var assemblyPath = FindBuiltAssembly(assemblyName);
        var variables = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = ListenUrl };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var child = TestProcess.StartDotnet(assemblyPath, args, new TestProcessOptions
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RemovedVariablePrefixes = ControlledPrefixes,
            Environment = variables,
        });
        return new ServiceProcess(child);
    }

    /// <summary>Starts a service and waits until it answers <c>/alive</c>.</summary>
    public static async Task<ServiceProcess> StartReadyAsync(string assemblyName, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var service = Start(assemblyName, environment, args);
        try
        {
            await service.WaitUntilAliveAsync();
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the service to name the port it listens on, then to answer <c>/alive</c> there.</summary>
    public async Task WaitUntilAliveAsync()
    {
        if (http is null)
        {
            Uri address;
            try
            {
                address = await child.WaitForListeningUrlAsync(Eventually.Timeout);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"The service exited before it listened.\n{Describe()}", e);
            }

            http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        await Eventually.TrueAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"The service exited with code {Process.ExitCode} before answering.\n{Describe()}");
                }

                try
                {
                    using var response = await Http.GetAsync(new Uri("/alive", UriKind.Relative));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"{BaseAddress} to answer /alive\n{Describe()}");
    }

    public Task<string> WaitForOutputAsync(Func<string, bool> predicate, string what) =>
        child.WaitForLineAsync(line => !line.IsError && predicate(line.Text), what, Eventually.Timeout);

    public Task<int> WaitForExitAsync() => child.WaitForExitAsync(Eventually.Timeout);

    public void Dispose()
    {
        http?.Dispose();
        child.Dispose();
    }

    public string Describe() => child.Describe();

    private static string FindBuiltAssembly(string assemblyName)
    {
        var path = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == $"ServiceAssembly:{assemblyName}")?.Value
            ?? throw new InvalidOperationException($"The test project does not reference {assemblyName}.");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assemblyName} is not built at {path}.", path);
    }
}
