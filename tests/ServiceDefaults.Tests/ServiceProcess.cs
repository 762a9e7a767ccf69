using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using VllmAspire.Testing.Processes;

namespace VllmAspire.ServiceDefaults.Tests;

/// <summary>
/// A service started from its build output as <c>dotnet &lt;dll&gt;</c> on a free loopback port, with its output
/// captured. Disposing kills it and everything it started.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    public const string TestService = "VllmAspire.TestService";
    public const string Provisioner = "VllmAspire.Provisioner";
    public const string MetricsAdapterShim = "VllmAspire.MetricsAdapterShim";

    // Variables of the contract under test: the child gets only what each test sets.
    private static readonly string[] ControlledPrefixes = ["services__", "OTEL_", "ASPNETCORE_", "TEST_", "Provisioner__"];

    private readonly TestProcess child;

    private ServiceProcess(TestProcess child, Uri baseAddress)
    {
        this.child = child;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Process Process => child.Process;

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IReadOnlyList<string> Output => child.OutputLines;

    public IReadOnlyList<string> Errors => child.ErrorLines;

    public static ServiceProcess Start(string assemblyName, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var assemblyPath = FindBuiltAssembly(assemblyName);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var variables = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/') };
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
        return new ServiceProcess(child, baseAddress);
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

    public async Task WaitUntilAliveAsync()
    {
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
        Http.Dispose();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
