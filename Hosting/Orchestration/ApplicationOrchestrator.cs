using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Eventing;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>
/// Runs the model locally, in place of Aspire's DCP: allocates ports, starts each resource once what it waits for
/// is ready (independent resources in parallel), supervises every replica's process and health, and stops
/// everything — whole process groups — on shutdown.
/// </summary>
public sealed class ApplicationOrchestrator : IHostedService
{

    private readonly DistributedApplicationModel _model;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly IDistributedApplicationEventing _eventing;
    private readonly DistributedApplicationExecutionContext _executionContext;
    private readonly IServiceProvider _services;
    private readonly ContainerRuntimeProbe _containerRuntime;
    private readonly HttpHealthProbe _healthProbe;
    private readonly TimeProvider _time;
    private readonly ILogger<ApplicationOrchestrator> _logger;
    private readonly OrchestratorOptions _options;
    private readonly ProjectBuilder _projectBuilder = new();
    private readonly Dictionary<string, ResourceRuntime> _runtimes = new(StringComparer.Ordinal);
    private readonly List<EndpointProxy> _proxies = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Initializes the orchestrator; created by the AppHost's services.</summary>
    /// <param name="model">The model.</param>
    /// <param name="notifications">Where states are published.</param>
    /// <param name="logs">Where console output is kept.</param>
    /// <param name="eventing">The lifecycle events.</param>
    /// <param name="executionContext">The execution context.</param>
    /// <param name="services">The AppHost's services, passed to event handlers.</param>
    /// <param name="containerRuntime">Finds a container engine.</param>
    /// <param name="httpClientFactory">Creates the health checks' clients.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The AppHost's own log.</param>
    /// <param name="options">Health-check cadence and stop grace.</param>
    internal ApplicationOrchestrator(DistributedApplicationModel model, ResourceNotificationService notifications, ResourceLoggerService logs,
        IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, IServiceProvider services,
        ContainerRuntimeProbe containerRuntime, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger<ApplicationOrchestrator> logger, OrchestratorOptions options)
    {
        _options = options;
        _model = model;
        _notifications = notifications;
        _logs = logs;
        _eventing = eventing;
        _executionContext = executionContext;
        _services = services;
        _containerRuntime = containerRuntime;
        _healthProbe = new HttpHealthProbe(httpClientFactory);
        _time = time;
        _logger = logger;
        foreach (var resource in model.Resources)
        {
            _runtimes[resource.Name] = new ResourceRuntime(resource);
            notifications.Register(resource, new CustomResourceSnapshot { ResourceType = ResourceNotificationService.ResourceTypeName(resource) });
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _eventing.PublishAsync(new BeforeStartEvent(_services, _model), cancellationToken).ConfigureAwait(false);
        foreach (var runtime in _runtimes.Values)
        {
            AllocateEndpoints(runtime);
        }

        foreach (var runtime in _runtimes.Values.Where(r => r.Phase == KnownResourceStates.NotStarted))
        {
            runtime.Lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var token = runtime.Lifetime.Token;
            runtime.Lifecycle = Task.Run(() => StartResourceAsync(runtime, waitForDependencies: true, token), CancellationToken.None);
        }

        _logger.LogInformation("Distributed application started. Press Ctrl+C to shut down.");
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Stopping every resource.");
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_runtimes.Values.Select(runtime => StopResourceCoreAsync(runtime))).ConfigureAwait(false);
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops a resource's replicas.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <returns>A task that completes when every replica has stopped.</returns>
    public async Task StopResourceAsync(string resourceName)
    {
        var runtime = GetRuntime(resourceName);
        await runtime.Gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            await StopResourceCoreAsync(runtime).ConfigureAwait(false);
        }
        finally
        {
            runtime.Gate.Release();
        }
    }

    /// <summary>Starts a stopped resource (its dependencies are not waited for again).</summary>
    /// <param name="resourceName">The resource.</param>
    /// <returns>A task that completes when the replicas have been launched.</returns>
    public async Task StartResourceAsync(string resourceName)
    {
        var runtime = GetRuntime(resourceName);
        runtime.Lifetime?.Dispose();
        runtime.Lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        await StartResourceAsync(runtime, waitForDependencies: false, runtime.Lifetime.Token).ConfigureAwait(false);
    }

    /// <summary>Stops and starts a resource again.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <returns>A task that completes when the replicas have been launched again.</returns>
    public async Task RestartResourceAsync(string resourceName)
    {
        await StopResourceAsync(resourceName).ConfigureAwait(false);
        await StartResourceAsync(resourceName).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes how many replicas of a running resource run: new replicas start with their own ports (and join the
    /// proxy once running); the highest-numbered replicas stop first.
    /// </summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="replicas">The number of replicas, at least 1.</param>
    /// <returns>A task that completes when new replicas are launched and removed ones have stopped.</returns>
    public async Task ScaleAsync(string resourceName, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var runtime = GetRuntime(resourceName);
        await runtime.Gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (runtime.Launcher is not { } launcher || runtime.Phase != KnownResourceStates.Running || runtime.Lifetime is null)
            {
                throw new InvalidOperationException($"Resource '{resourceName}' is not running ({runtime.State}); start it before scaling it.");
            }

            int current;
            lock (runtime.Replicas)
            {
                current = runtime.Replicas.Count;
            }

            for (var index = current; index < replicas; index++)
            {
                var replica = new ReplicaRuntime(index, $"{resourceName}-{index}") { CountsForHealth = false };
                lock (runtime.Replicas)
                {
                    runtime.Replicas.Add(replica);
                }

                var error = await StartReplicaAsync(runtime, replica, launcher, runtime.Lifetime.Token).ConfigureAwait(false);
                if (error is not null)
                {
                    lock (runtime.Replicas)
                    {
                        runtime.Replicas.Remove(replica);
                    }

                    Publish(runtime);
                    throw new InvalidOperationException(error);
                }
            }

            List<ReplicaRuntime> removed;
            lock (runtime.Replicas)
            {
                removed = [.. runtime.Replicas.Where(r => r.Index >= replicas)];
                foreach (var replica in removed)
                {
                    replica.StopRequested = true;
                }
            }

            await Task.WhenAll(removed.Where(r => r.Process is not null).Select(r => r.Process!.StopAsync(_options.StopGrace))).ConfigureAwait(false);
            lock (runtime.Replicas)
            {
                runtime.Replicas.RemoveAll(r => r.Index >= replicas);
            }

            if (current != replicas)
            {
                _logger.LogInformation("Scaled {Resource} from {From} to {To} replicas.", resourceName, current, replicas);
            }

            PublishAndAnnounce(runtime);
        }
        finally
        {
            runtime.Gate.Release();
        }
    }

    private ResourceRuntime GetRuntime(string resourceName) =>
        _runtimes.TryGetValue(resourceName, out var runtime) ? runtime : throw new ArgumentException($"No resource named '{resourceName}'.", nameof(resourceName));

    private void AllocateEndpoints(ResourceRuntime runtime)
    {
        var resource = runtime.Resource;
        if (resource is ParameterResource parameter)
        {
            runtime.Phase = parameter.HasValue ? KnownResourceStates.Active : KnownResourceStates.ValueMissing;
            runtime.Message = parameter.HasValue ? null : $"No value: {parameter.HowToSet}.";
            Publish(runtime, health: parameter.HasValue ? ResourceHealthStatus.Healthy : null);
            return;
        }

        foreach (var endpoint in resource.GetEndpoints())
        {
            try
            {
                if (endpoint.IsProxied)
                {
                    var proxy = EndpointProxy.Start(endpoint.Port ?? 0, () => RunningTargetPorts(runtime, endpoint));
                    _proxies.Add(proxy);
                    endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint.UriScheme, "127.0.0.1", proxy.Port);
                }
                else
                {
                    if (resource.GetReplicaCount() > 1)
                    {
                        Fail(runtime, $"Resource '{resource.Name}' has {resource.GetReplicaCount()} replicas but endpoint '{endpoint.Name}' is not proxied; replicas need a proxied endpoint (isProxied: true).");
                        return;
                    }

                    var port = endpoint.Port ?? endpoint.TargetPort ?? PortAllocator.GetFreePort();
                    endpoint.TargetPort = port;
                    endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint.UriScheme, "127.0.0.1", port);
                }
            }
            catch (SocketException)
            {
                Fail(runtime, PortAllocator.InUseMessage(resource.Name, endpoint.Name, endpoint.Port ?? 0));
                return;
            }
        }

        Publish(runtime);
    }

    private static IReadOnlyList<int> RunningTargetPorts(ResourceRuntime runtime, EndpointAnnotation endpoint)
    {
        lock (runtime.Replicas)
        {
            return [.. runtime.Replicas
                .Where(r => r.State == KnownResourceStates.Running && endpoint.ReplicaTargetPorts.ContainsKey(r.Index))
                .Select(r => endpoint.ReplicaTargetPorts[r.Index])];
        }
    }

    private async Task StartResourceAsync(ResourceRuntime runtime, bool waitForDependencies, CancellationToken cancellationToken)
    {
        try
        {
            if (waitForDependencies && !await WaitForDependenciesAsync(runtime, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await runtime.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await StartReplicasAsync(runtime, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                runtime.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The application is stopping.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Resource {Resource} failed to start.", runtime.Resource.Name);
            Fail(runtime, $"Resource '{runtime.Resource.Name}' failed to start: {e.Message}");
        }
    }

    private async Task<bool> WaitForDependenciesAsync(ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var waits = runtime.Resource.Annotations.OfType<WaitAnnotation>().ToList();
        if (waits.Count == 0)
        {
            return true;
        }

        runtime.Phase = KnownResourceStates.Waiting;
        runtime.Message = $"Waiting for {string.Join(", ", waits.Select(w => w.Resource.Name).Distinct())}.";
        Publish(runtime);
        foreach (var wait in waits)
        {
            var dependency = wait.Resource.Name;
            var satisfied = await _notifications.WaitForResourceAsync(dependency, e => wait.WaitType switch
            {
                WaitType.WaitUntilHealthy => ResourceNotificationService.IsHealthy(e),
                WaitType.WaitUntilStarted => e.Snapshot.State is KnownResourceStates.Running or KnownResourceStates.Active,
                _ => e.Snapshot.State is KnownResourceStates.Exited or KnownResourceStates.Finished or KnownResourceStates.FailedToStart,
            }, cancellationToken).ConfigureAwait(false);

            if (wait.WaitType == WaitType.WaitForCompletion && satisfied.Snapshot.ExitCode != 0)
            {
                Fail(runtime, $"Resource '{runtime.Resource.Name}' waits for '{dependency}' to complete successfully, but it ended {satisfied.Snapshot.State} with exit code {satisfied.Snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}.");
                return false;
            }
        }

        runtime.Message = null;
        return true;
    }

    private async Task StartReplicasAsync(ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var resource = runtime.Resource;
        if (runtime.Phase is KnownResourceStates.FailedToStart && resource.GetEndpoints().Any(e => e.AllocatedEndpoint is null))
        {
            return; // Its endpoints could not be allocated; the message says why.
        }

        runtime.Phase = KnownResourceStates.Starting;
        runtime.Message = null;
        runtime.ReadyPublished = false;
        Publish(runtime);
        await _eventing.PublishAsync(new BeforeResourceStartedEvent(resource, _services), cancellationToken).ConfigureAwait(false);

        if (resource.TryGetLastAnnotation<ResourceStartupAnnotation>(out var startup))
        {
            await startup.StartAsync(new ResourceStartupContext(resource, _services, _logs.GetLogger(resource.Name), cancellationToken)).ConfigureAwait(false);
            runtime.Phase = KnownResourceStates.Running;
            PublishAndAnnounce(runtime);
            return;
        }

        var launcher = await ResolveLauncherAsync(runtime, cancellationToken).ConfigureAwait(false);
        if (launcher is null)
        {
            return;
        }

        runtime.Launcher = launcher;

        lock (runtime.Replicas)
        {
            runtime.Replicas.Clear();
            for (var i = 0; i < resource.GetReplicaCount(); i++)
            {
                runtime.Replicas.Add(new ReplicaRuntime(i, $"{resource.Name}-{i}"));
            }
        }

        runtime.Phase = KnownResourceStates.Running;
        foreach (var replica in runtime.Replicas)
        {
            var error = await StartReplicaAsync(runtime, replica, launcher, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                await StopResourceCoreAsync(runtime).ConfigureAwait(false);
                Fail(runtime, error);
                return;
            }
        }

        PublishAndAnnounce(runtime);
    }

    private async Task<Func<LaunchSpec, ValueProviderContext, CancellationToken, Task<LaunchSpec>>?> ResolveLauncherAsync(ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var resource = runtime.Resource;
        switch (resource)
        {
            case ProjectResource project:
            {
                runtime.Phase = KnownResourceStates.Building;
                Publish(runtime);
                var build = await _projectBuilder.EnsureBuiltAsync(project.Metadata, (line, isError) => _logs.WriteLine(resource.Name, resource.Name, line, isError), cancellationToken).ConfigureAwait(false);
                if (build.Error is not null)
                {
                    Fail(runtime, $"Resource '{resource.Name}': {build.Error}");
                    return null;
                }

                var dotnet = ExecutableLocator.DotnetHost();
                var directory = Path.GetDirectoryName(project.Metadata.ProjectPath)!;
                return (_, _, _) => Task.FromResult(new LaunchSpec(dotnet, [build.TargetPath!], directory, ImmutableDictionary<string, string>.Empty));
            }

            case ExecutableResource executable:
            {
                var path = ExecutableLocator.Find(executable.Command, executable.WorkingDirectory);
                if (path is null)
                {
                    var fix = resource.TryGetLastAnnotation<InstallCommandAnnotation>(out var install)
                        ? $"Install it with `{install.Command}`"
                        : "Install it or add its folder to PATH, or give its full path in AddExecutable";
                    Fail(runtime, $"Resource '{resource.Name}': command '{executable.Command}' was not found on PATH. {fix}, then restart the resource.");
                    return null;
                }

                return (_, _, _) => Task.FromResult(new LaunchSpec(path, [], executable.WorkingDirectory, ImmutableDictionary<string, string>.Empty));
            }

            case ContainerResource container:
            {
                var engine = await _containerRuntime.GetRuntimeAsync().ConfigureAwait(false);
                if (engine is null)
                {
                    runtime.Phase = KnownResourceStates.RuntimeUnhealthy;
                    runtime.Message = ContainerRuntimeProbe.NoEngineMessage(resource.Name);
                    _logger.LogWarning("{Message}", runtime.Message);
                    Publish(runtime);
                    return null;
                }

                return (_, context, _) => Task.FromResult(ContainerLaunch(engine, container, context.ReplicaIndex));
            }

            default:
                runtime.Phase = KnownResourceStates.NotStarted;
                runtime.Message = $"Resource type {ResourceNotificationService.ResourceTypeName(resource)} does not run locally.";
                Publish(runtime);
                return null;
        }
    }

    private static LaunchSpec ContainerLaunch(string engine, ContainerResource container, int replica)
    {
        var image = container.TryGetLastAnnotation<ContainerImageAnnotation>(out var annotation) ? annotation.Reference
            : throw new InvalidOperationException($"Container '{container.Name}' has no image; call WithImage().");
        var arguments = new List<string> { "run", "--rm", "--name", $"{container.Name}-{replica}" };
        foreach (var endpoint in container.GetEndpoints())
        {
            var containerPort = endpoint.TargetPort ?? throw new InvalidOperationException(
                $"Container '{container.Name}' endpoint '{endpoint.Name}' needs targetPort: the port the container listens on.");
            arguments.AddRange(["-p", $"127.0.0.1:{endpoint.ReplicaTargetPorts[replica]}:{containerPort}"]);
        }

        arguments.Add(image);
        return new LaunchSpec(engine, arguments, Environment.CurrentDirectory, ImmutableDictionary<string, string>.Empty);
    }

    private async Task<string?> StartReplicaAsync(ResourceRuntime runtime, ReplicaRuntime replica,
        Func<LaunchSpec, ValueProviderContext, CancellationToken, Task<LaunchSpec>> launcher, CancellationToken cancellationToken)
    {
        var resource = runtime.Resource;
        foreach (var endpoint in resource.GetEndpoints())
        {
            if (endpoint.IsProxied && resource is not ContainerResource && endpoint.TargetPort is { } fixedPort)
            {
                endpoint.ReplicaTargetPorts[replica.Index] = fixedPort;
            }
            else if (!endpoint.IsProxied)
            {
                endpoint.ReplicaTargetPorts[replica.Index] = endpoint.TargetPort!.Value;
            }
            else if (!endpoint.ReplicaTargetPorts.TryGetValue(replica.Index, out var previous) || !PortAllocator.IsFree(previous))
            {
                endpoint.ReplicaTargetPorts[replica.Index] = PortAllocator.GetFreePort();
            }

            var port = endpoint.ReplicaTargetPorts[replica.Index];
            if (!PortAllocator.IsFree(port))
            {
                return PortAllocator.InUseMessage(resource.Name, endpoint.Name, port);
            }
        }

        var context = new ValueProviderContext(_executionContext, resource, replica.Index);
        IReadOnlyDictionary<string, ResolvedValue> environment;
        IReadOnlyList<ResolvedValue> arguments;
        try
        {
            environment = await resource.ResolveEnvironmentAsync(context, cancellationToken).ConfigureAwait(false);
            arguments = await resource.ResolveArgumentsAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (MissingParameterValueException e)
        {
            return $"Resource '{resource.Name}': {e.Message}";
        }

        var variables = new Dictionary<string, ResolvedValue>(environment, StringComparer.Ordinal);
        AddReplicaEnvironment(resource, replica, variables);
        if (replica.Index == 0)
        {
            runtime.DisplayEnvironment = variables.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Display);
        }

        var baseSpec = await launcher(new LaunchSpec(string.Empty, [], string.Empty, ImmutableDictionary<string, string>.Empty), context, cancellationToken).ConfigureAwait(false);
        var spec = resource is ContainerResource
            ? baseSpec with { Arguments = ContainerArguments(baseSpec.Arguments, variables, arguments) }
            : baseSpec with
            {
                Arguments = [.. baseSpec.Arguments, .. arguments.Select(a => a.Value)],
                Environment = variables.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal),
            };

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(spec, (line, isError) => _logs.WriteLine(resource.Name, replica.Name, line, isError));
        }
        catch (Win32Exception e)
        {
            return $"Resource '{resource.Name}': could not start '{spec.FileName}': {e.Message}.";
        }

        lock (runtime.Replicas)
        {
            replica.Process = process;
            replica.State = KnownResourceStates.Running;
            replica.ExitCode = null;
            replica.StopRequested = false;
            replica.Health = null;
            replica.StartedAt = _time.GetUtcNow();
            replica.Url = resource.GetEndpoints().FirstOrDefault() is { } first ? $"{first.UriScheme}://127.0.0.1:{first.ReplicaTargetPorts[replica.Index]}" : null;
            replica.Monitoring = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        _logger.LogInformation("Started {Replica} (pid {Pid}).", replica.Name, process.Id);
        _ = WatchExitAsync(runtime, replica, process);
        _ = MonitorHealthAsync(runtime, replica, replica.Monitoring.Token);
        return null;
    }

    private static IReadOnlyList<string> ContainerArguments(IReadOnlyList<string> engineArguments, Dictionary<string, ResolvedValue> variables, IReadOnlyList<ResolvedValue> arguments)
    {
        // `run … image`: environment options go before the image, the container's own arguments after it.
        var image = engineArguments[^1];
        var result = engineArguments.Take(engineArguments.Count - 1).ToList();
        foreach (var (key, value) in variables)
        {
            result.AddRange(["-e", $"{key}={value.Value}"]);
        }

        result.Add(image);
        result.AddRange(arguments.Select(a => a.Value));
        return result;
    }

    private static void AddReplicaEnvironment(IResource resource, ReplicaRuntime replica, Dictionary<string, ResolvedValue> variables)
    {
        void Set(string key, string value) => variables.TryAdd(key, new ResolvedValue(value, IsSecret: false));

        // Aspire's OpenTelemetry contract; OTLP export only when the user points the AppHost at a collector.
        Set("OTEL_SERVICE_NAME", resource.Name);
        Set("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={replica.Name}");
        Set("OTEL_BLRP_SCHEDULE_DELAY", "1000");
        Set("OTEL_BSP_SCHEDULE_DELAY", "1000");
        Set("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        Set("OTEL_TRACES_SAMPLER", "always_on");
        Set("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");
        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp)
        {
            Set("OTEL_EXPORTER_OTLP_ENDPOINT", otlp);
        }

        foreach (var endpoint in resource.GetEndpoints().Where(e => e.Env is not null))
        {
            Set(endpoint.Env!, endpoint.ReplicaTargetPorts[replica.Index].ToString(CultureInfo.InvariantCulture));
        }
    }

    private async Task WatchExitAsync(ResourceRuntime runtime, ReplicaRuntime replica, ChildProcess process)
    {
        var exitCode = await process.Exited.ConfigureAwait(false);
        process.KillGroup();
        bool expected;
        lock (runtime.Replicas)
        {
            if (!ReferenceEquals(replica.Process, process))
            {
                return; // A newer process has replaced this one.
            }

            expected = replica.StopRequested;
            replica.State = KnownResourceStates.Exited;
            replica.ExitCode = exitCode;
            replica.Health = null;
        }

        if (replica.Monitoring is { } monitoring)
        {
            await monitoring.CancelAsync().ConfigureAwait(false);
        }

        if (!expected)
        {
            _logs.WriteLine(runtime.Resource.Name, replica.Name, $"Process exited with code {exitCode}.", isError: exitCode != 0);
            _logger.LogWarning("{Replica} exited with code {ExitCode}.", replica.Name, exitCode);
        }

        Publish(runtime);
        if (runtime.State == KnownResourceStates.Exited)
        {
            await _eventing.PublishAsync(new ResourceStoppedEvent(runtime.Resource, _services)).ConfigureAwait(false);
        }
    }

    private async Task MonitorHealthAsync(ResourceRuntime runtime, ReplicaRuntime replica, CancellationToken cancellationToken)
    {
        var hasChecks = runtime.Resource.Annotations.OfType<HttpHealthCheckAnnotation>().Any();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var health = hasChecks
                    ? await _healthProbe.ProbeAsync(runtime.Resource, replica.Index, cancellationToken).ConfigureAwait(false)
                    : ResourceHealthStatus.Healthy;
                var changed = false;
                lock (runtime.Replicas)
                {
                    if (replica.State == KnownResourceStates.Running && replica.Health != health)
                    {
                        replica.Health = health;
                        replica.CountsForHealth |= health == ResourceHealthStatus.Healthy;
                        changed = true;
                    }
                }

                if (changed)
                {
                    PublishAndAnnounce(runtime);
                }

                if (!hasChecks)
                {
                    return;
                }

                await Task.Delay(health == ResourceHealthStatus.Healthy ? _options.HealthyInterval : _options.UnhealthyInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The replica stopped.
        }
    }

    private async Task StopResourceCoreAsync(ResourceRuntime runtime)
    {
        List<(ReplicaRuntime Replica, ChildProcess Process)> running;
        lock (runtime.Replicas)
        {
            running = [.. runtime.Replicas.Where(r => r.Process is not null && r.State == KnownResourceStates.Running).Select(r => (r, r.Process!))];
            foreach (var (replica, _) in running)
            {
                replica.StopRequested = true;
            }
        }

        if (runtime.Lifetime is { } lifetime && !_stopping.IsCancellationRequested)
        {
            await lifetime.CancelAsync().ConfigureAwait(false);
        }

        if (running.Count == 0)
        {
            return;
        }

        runtime.Phase = KnownResourceStates.Stopping;
        Publish(runtime);
        await Task.WhenAll(running.Select(r => r.Process.StopAsync(_options.StopGrace))).ConfigureAwait(false);
        runtime.Phase = KnownResourceStates.Running; // The replicas now say Exited, so the resource does too.
        Publish(runtime);
        _logger.LogInformation("Stopped {Resource}.", runtime.Resource.Name);
    }

    private void Fail(ResourceRuntime runtime, string message)
    {
        runtime.Phase = KnownResourceStates.FailedToStart;
        runtime.Message = message;
        _logs.WriteLine(runtime.Resource.Name, runtime.Resource.Name, message, isError: true);
        _logger.LogError("{Message}", message);
        Publish(runtime);
    }

    private void PublishAndAnnounce(ResourceRuntime runtime)
    {
        Publish(runtime);
        if (!runtime.ReadyPublished && runtime.State == KnownResourceStates.Running && runtime.Health == ResourceHealthStatus.Healthy)
        {
            runtime.ReadyPublished = true;
            _logger.LogInformation("{Resource} is running and healthy.", runtime.Resource.Name);
            _ = _eventing.PublishAsync(new ResourceReadyEvent(runtime.Resource, _services));
        }
    }

    private void Publish(ResourceRuntime runtime, ResourceHealthStatus? health = null)
    {
        ImmutableArray<ReplicaSnapshot> replicas;
        lock (runtime.Replicas)
        {
            replicas = [.. runtime.Replicas.Select(r => r.ToSnapshot())];
        }

        var state = runtime.State;
        var now = _time.GetUtcNow();
        _notifications.PublishUpdateAsync(runtime.Resource, snapshot => snapshot with
        {
            State = state,
            StateMessage = runtime.Message,
            HealthStatus = health ?? runtime.Health,
            ExitCode = runtime.ExitCode,
            Replicas = replicas,
            Urls = [.. runtime.Resource.GetEndpoints().Where(e => e.AllocatedEndpoint is not null).Select(e => new ResourceUrlSnapshot(e.Name, e.AllocatedEndpoint!.UriString))],
            EnvironmentVariables = runtime.DisplayEnvironment,
            StartTimeStamp = state == KnownResourceStates.Running && snapshot.State != KnownResourceStates.Running ? now : snapshot.StartTimeStamp,
            StopTimeStamp = KnownResourceStates.TerminalStates.Contains(state) && !KnownResourceStates.TerminalStates.Contains(snapshot.State) ? now : snapshot.StopTimeStamp,
        });
    }
}
