using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

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

    private readonly Lock gate = new();
    private readonly List<string> output = [];
    private readonly List<string> errors = [];

    private ServiceProcess(Process process, Uri baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Process Process { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (gate)
            {
                return [.. output];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (gate)
            {
                return [.. errors];
            }
        }
    }

    public static ServiceProcess Start(string assemblyName, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var assemblyPath = FindBuiltAssembly(assemblyName);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(assemblyPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in startInfo.Environment.Keys.Where(k => ControlledPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var service = new ServiceProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => service.Append(service.output, e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(service.errors, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
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
        Eventually.ValueAsync(() => Task.FromResult(Output.FirstOrDefault(predicate)), $"{what}\n{Describe()}");

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        await Process.WaitForExitAsync(timeout.Token);
        return Process.ExitCode;
    }

    public void Dispose()
    {
        Http.Dispose();
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        Process.Dispose();
    }

    public string Describe() => $"stdout:\n{string.Join('\n', Output)}\nstderr:\n{string.Join('\n', Errors)}";

    private void Append(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (gate)
            {
                lines.Add(line);
            }
        }
    }

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
