using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Prometheus;
using VllmAspire.Hosting.ServiceProjects;
using VllmAspire.Hosting.Vllm;

namespace Aspire.Hosting;

/// <summary>Adds vLLM servers to the application model.</summary>
public static partial class VllmBuilderExtensions
{
    /// <summary>
    /// Adds a vLLM server. Published, it runs <paramref name="image"/> on the GKE environment's GPU node pool; locally
    /// VllmSimulator stands in: the same OpenAI API and vLLM metrics (the names of that image's version), the same
    /// start-up log lines, and the weights loaded as vLLM loads them, without a GPU. Each local replica listens on
    /// its own port behind the endpoint's proxy and is scraped on it.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="image">The vLLM image with a pinned tag; its version decides flags, metric names and loaders.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// Serve the model's weights with vLLM, scaled on its queue:
    /// <code lang="csharp">
    /// var weights = builder.AddModelWeights("gemma-7b", source: "gs://my-bucket/models/gemma-7b");
    /// var vllm = builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1")
    ///     .WithModel(weights)
    ///     .WithAutoscaling(minReplicas: 1, maxReplicas: 5, metric: "vllm:num_requests_waiting", averageValue: 10);
    /// </code>
    /// </example>
    public static IResourceBuilder<VllmResource> AddVllm(this IDistributedApplicationBuilder builder, [ResourceName] string name, string image = VllmImageAnnotation.DefaultReference)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(image);
        var vllm = new VllmResource(name);
        var compileCache = Path.Combine(LocalDataDirectory.Get(builder), name, "compile-cache");
        var resourceBuilder = builder.AddResource(vllm)
            .WithAnnotation(new VllmSimulatorProject())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
            .WithAnnotation(new VllmImageAnnotation(image))
            .WithHttpEndpoint(name: VllmResource.HttpEndpointName, env: VllmResource.PortEnvironmentVariable)
            .WithHttpHealthCheck("/health", endpointName: VllmResource.HttpEndpointName)
            .WithAnnotation(new PrometheusScrapeAnnotation(PortEnvironmentVariable: VllmResource.PortEnvironmentVariable))
            .WithIconName("BrainCircuit");
        resourceBuilder.WithLoadCommand(vllm);
        return resourceBuilder.WithArgs(context =>
        {
            if (!context.ExecutionContext.IsRunMode)
            {
                return;
            }

            // vLLM's own flags, which the simulator understands too; then the simulator's own settings.
            var weights = vllm.Weights ?? throw new DistributedApplicationException(
                $"vLLM resource '{vllm.Name}' has no model: call WithModel(weights) with the result of AddModelWeights.");
            var simulator = vllm.TryGetLastAnnotation<VllmSimulatorAnnotation>(out var s) ? s.Options : new VllmSimulatorOptions();
            context.Args.Add("--model");
            context.Args.Add(weights.LocalPath);
            context.Args.Add("--served-model-name");
            context.Args.Add(vllm.ServedModelName ?? weights.Name);
            context.Args.Add("--host");
            context.Args.Add("127.0.0.1");
            if (vllm.MaxNumSeqs is { } maxNumSeqs)
            {
                context.Args.Add("--max-num-seqs");
                context.Args.Add(maxNumSeqs.ToString(CultureInfo.InvariantCulture));
            }

            context.Args.Add("--vllm-version");
            context.Args.Add(vllm.Version);
            context.Args.Add("--ttft-ms");
            context.Args.Add(((int)simulator.TimeToFirstToken.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            context.Args.Add("--tpot-ms");
            context.Args.Add(((int)simulator.TimePerOutputToken.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            context.Args.Add("--startup-time-scale");
            context.Args.Add(simulator.StartupTimeScale.ToString(CultureInfo.InvariantCulture));
            if (simulator.CompileCache)
            {
                context.Args.Add("--compile-cache-root");
                context.Args.Add(compileCache);
            }

            // As the published pod's native sidecar: every replica gets the Provisioner's prefetch beside it, started with it.
            var strategy = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var l) ? l : new VllmLoadStrategyAnnotation(VllmLoadStrategy.PrefetchSidecar);
            if (strategy.Strategy == VllmLoadStrategy.PrefetchSidecar)
            {
                context.Args.Add("--prefetcher");
                context.Args.Add(ProvisionerProject.TargetPath);
                context.Args.Add("--prefetch-concurrency");
                context.Args.Add(strategy.Concurrency.ToString(CultureInfo.InvariantCulture));
            }
        });
    }

    /// <summary>Serves the given weights; locally the server starts only once they are ready.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="weights">The weights.</param>
    /// <param name="servedModelName">The model name clients use; the weights' name by default.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithModel(this IResourceBuilder<VllmResource> builder, IResourceBuilder<ModelWeightsResource> weights, string? servedModelName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(weights);
        builder.Resource.Weights = weights.Resource;
        builder.Resource.ServedModelName = servedModelName;
        return builder.WaitFor(weights);
    }

    /// <summary>Sets vLLM's <c>--max-num-seqs</c>: at most this many requests run at once, the rest wait in the queue.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="maxNumSeqs">The limit, at least 1.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithMaxNumSeqs(this IResourceBuilder<VllmResource> builder, int maxNumSeqs)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumSeqs, 1);
        builder.Resource.MaxNumSeqs = maxNumSeqs;
        return builder;
    }

    /// <summary>
    /// Chooses how the published pod reads its weights: the prefetch native sidecar (the default, any vLLM version) or
    /// one of vLLM's parallel loaders where the image's version has it (<see cref="VllmLoaderSettings"/>).
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="concurrency">Reader threads, at least 1.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithLoadStrategy(this IResourceBuilder<VllmResource> builder, VllmLoadStrategy strategy, int concurrency = VllmLoaderSettings.DefaultConcurrency)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        return builder.WithAnnotation(new VllmLoadStrategyAnnotation(strategy, concurrency), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Sets the published pod's memory limit and vLLM's own host memory. Publishing checks that the limit holds what the
    /// load strategy needs (with the prefetch sidecar: the model's page cache, vLLM and the sidecar; reference/storage.md §6)
    /// and refuses with the numbers otherwise. Without a limit the node's allocatable memory is checked instead.
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="podLimitGiB">The pod's memory limit in GiB, or <see langword="null"/> for none.</param>
    /// <param name="vllmHostMemoryGiB">vLLM's own host memory in GiB.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithMemoryLimit(this IResourceBuilder<VllmResource> builder, double? podLimitGiB,
        double vllmHostMemoryGiB = VllmMemoryAnnotation.DefaultVllmHostMemoryGiB)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (podLimitGiB is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(podLimitGiB));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(vllmHostMemoryGiB);
        return builder.WithAnnotation(new VllmMemoryAnnotation(podLimitGiB, vllmHostMemoryGiB), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Configures VllmSimulator, which stands in for vLLM in a local run: its latency model and its start-up phases
    /// (<see cref="VllmSimulatorOptions"/>). Published, nothing changes.
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// A start at a fifth of a current vLLM's, so the prefetch sidecar's overlap with the engine's set-up shows:
    /// <code lang="csharp">
    /// builder.AddVllm("vllm").RunAsSimulator(o => o.StartupTimeScale = 0.2);
    /// </code>
    /// </example>
    public static IResourceBuilder<VllmResource> RunAsSimulator(this IResourceBuilder<VllmResource> builder, Action<VllmSimulatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = builder.Resource.TryGetLastAnnotation<VllmSimulatorAnnotation>(out var existing) ? existing.Options : new VllmSimulatorOptions();
        configure(options);
        if (options.TimeToFirstToken < TimeSpan.Zero || options.TimePerOutputToken < TimeSpan.Zero || !(options.StartupTimeScale >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(configure),
                $"vLLM '{builder.Resource.Name}': RunAsSimulator needs TimeToFirstToken, TimePerOutputToken and StartupTimeScale of zero or more (got {options.TimeToFirstToken}, {options.TimePerOutputToken}, {options.StartupTimeScale}).");
        }

        return builder.WithAnnotation(new VllmSimulatorAnnotation(options), ResourceAnnotationMutationBehavior.Replace);
    }
}
