using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Cli;
using VllmAspire.Hosting.Dashboard;
using VllmAspire.Hosting.Eventing;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting;

/// <summary>The builder behind <see cref="DistributedApplication.CreateBuilder(string[])"/>.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    /// <summary>The assembly metadata key under which the AppHost build records its project directory.</summary>
    public const string AppHostDirectoryMetadataKey = "VllmAspire.AppHostDirectory";

    private readonly HostApplicationBuilder _hostBuilder;
    private readonly List<IResource> _resources = [];
    private readonly DistributedApplicationOptions _options;
    private bool _built;

    /// <summary>Initializes a new builder.</summary>
    /// <param name="options">The options.</param>
    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        AppHostDirectory = Path.GetFullPath(options.AppHostDirectory ?? FindAppHostDirectory());
        var verb = AppHostVerbs.GetVerb(options.Args);
        ExecutionContext = new DistributedApplicationExecutionContext(AppHostVerbs.GetOperation(verb));

        _hostBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Only `--Section:Key=value` overrides reach configuration; a verb's own options (`-o /path`) must not,
            // or the command-line provider would read `/path` as a key of its own.
            Args = [.. options.Args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))],
            ContentRootPath = AppHostDirectory,
            ApplicationName = Assembly.GetEntryAssembly()?.GetName().Name,
            // A local developer tool: Development unless the user says otherwise (also enables user secrets).
            EnvironmentName = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Development,
        });
        Eventing = new DistributedApplicationEventing();
        // Health probes run every second per replica; their per-request logs would drown the AppHost's console.
        _hostBuilder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
    }

    /// <inheritdoc />
    public ConfigurationManager Configuration => _hostBuilder.Configuration;

    /// <inheritdoc />
    public string AppHostDirectory { get; }

    /// <inheritdoc />
    public IHostEnvironment Environment => _hostBuilder.Environment;

    /// <inheritdoc />
    public IServiceCollection Services => _hostBuilder.Services;

    /// <inheritdoc />
    public IDistributedApplicationEventing Eventing { get; }

    /// <inheritdoc />
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <inheritdoc />
    public IReadOnlyList<IResource> Resources => _resources;

    /// <summary>Gets the folder where the AppHost keeps generated files and state (<c>AppHost:DataDirectory</c>).</summary>
    public string DataDirectory => Path.GetFullPath(Configuration["AppHost:DataDirectory"] ?? Path.Combine(AppHostDirectory, ".vllm-aspire"), AppHostDirectory);

    /// <inheritdoc />
    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Cannot add resource '{resource.Name}': a resource with that name already exists. Give each resource a unique name.");
        }

        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    /// <inheritdoc />
    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource =>
        new DistributedApplicationResourceBuilder<T>(this, resource);

    /// <inheritdoc />
    public DistributedApplication Build()
    {
        if (_built)
        {
            throw new InvalidOperationException("Build() may be called only once.");
        }

        _built = true;
        DependencyGraph.ThrowIfCyclic(_resources);

        var model = new DistributedApplicationModel(_resources);
        Services.AddSingleton(model);
        Services.AddSingleton(ExecutionContext);
        Services.AddSingleton(Eventing);
        Services.TryAddSingleton(TimeProvider.System);
        Services.AddSingleton<ResourceNotificationService>();
        Services.AddSingleton(sp => new ResourceLoggerService(sp.GetRequiredService<TimeProvider>()));
        Services.AddHttpClient();
        Services.AddSingleton(new AppHostPaths(AppHostDirectory, DataDirectory));
        Services.AddSingleton<IAppHostCommand, RunCommand>();
        Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        if (ExecutionContext.IsRunMode)
        {
            Services.AddSingleton(new ContainerRuntimeProbe(Configuration["AppHost:ContainerRuntime"]));
            Services.AddSingleton(sp => new ApplicationOrchestrator(
                sp.GetRequiredService<DistributedApplicationModel>(), sp.GetRequiredService<ResourceNotificationService>(),
                sp.GetRequiredService<ResourceLoggerService>(), sp.GetRequiredService<IDistributedApplicationEventing>(),
                sp.GetRequiredService<DistributedApplicationExecutionContext>(), sp, sp.GetRequiredService<ContainerRuntimeProbe>(),
                sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ApplicationOrchestrator>>(),
                OrchestratorOptions.FromConfiguration(Configuration)));
            Services.AddHostedService(sp => sp.GetRequiredService<ApplicationOrchestrator>());
            if (!_options.DisableDashboard && Configuration.GetValue("Dashboard:Enabled", true))
            {
                Services.AddSingleton<DashboardServer>();
                // The dashboard starts first, so a taken port fails before any child process starts.
                Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<DashboardServer>()));
            }
        }

        return new DistributedApplication(_hostBuilder.Build(), _options.Args);
    }

    private static string FindAppHostDirectory()
    {
        var recorded = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == AppHostDirectoryMetadataKey)?.Value;
        return recorded is not null && Directory.Exists(recorded) ? recorded : Directory.GetCurrentDirectory();
    }
}
