using System.Globalization;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds vLLM servers to the model.</summary>
public static class VllmBuilderExtensions
{
    /// <summary>The default vLLM image.</summary>
    public const string DefaultImage = "vllm/vllm-openai:v0.10.1";

    /// <summary>
    /// Adds a vLLM server. Published, it runs <paramref name="image"/>; locally VllmSimulator serves the same OpenAI API
    /// and vLLM metrics (names of that image's version) and loads the model's weights as vLLM does.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="image">The vLLM image with a pinned tag.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> AddVllm(this IDistributedApplicationBuilder builder, string name, string image = DefaultImage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var vllm = new VllmResource(name, new KnownProjects.VllmSimulator());
        var resourceBuilder = builder.AddResource(vllm)
            .WithProjectDefaults()
            .WithImage(image)
            .WithHttpEndpoint(name: VllmResource.HttpEndpointName)
            .WithHttpHealthCheck("/health")
            .WithAnnotation(new PrometheusScrapeAnnotation());
        return resourceBuilder.WithArgs(context =>
        {
            if (!context.ExecutionContext.IsRunMode)
            {
                return;
            }

            // vLLM's own flags, understood by the simulator too; then the simulator's latency model.
            var weights = vllm.Weights ?? throw new DistributedApplicationException(
                $"vLLM resource '{vllm.Name}' has no model: call WithModel(weights) with the result of AddModelWeights.");
            context.Args.Add("--model");
            context.Args.Add(weights.LocalPath!);
            context.Args.Add("--served-model-name");
            context.Args.Add(vllm.ServedModelName ?? weights.Name);
            context.Args.Add("--host");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--port");
            context.Args.Add(vllm.HttpEndpoint.Property(EndpointProperty.TargetPort));
            if (vllm.MaxNumSeqs is { } maxNumSeqs)
            {
                context.Args.Add("--max-num-seqs");
                context.Args.Add(maxNumSeqs.ToString(CultureInfo.InvariantCulture));
            }

            context.Args.Add("--vllm-version");
            context.Args.Add(vllm.Version);
            context.Args.Add("--ttft-ms");
            context.Args.Add(((int)vllm.TimeToFirstToken.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            context.Args.Add("--tpot-ms");
            context.Args.Add(((int)vllm.TimePerOutputToken.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            context.Args.Add("--engine-start-seconds");
            context.Args.Add(vllm.EngineStart.TotalSeconds.ToString(CultureInfo.InvariantCulture));

            // As the published pod's native sidecar: every replica gets the Provisioner's prefetch beside it, started with it.
            var strategy = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var s) ? s : new VllmLoadStrategyAnnotation(VllmLoadStrategy.PrefetchSidecar);
            if (strategy.Strategy == VllmLoadStrategy.PrefetchSidecar)
            {
                context.Args.Add("--prefetcher");
                context.Args.Add(new KnownProjects.Provisioner().TargetPath);
                context.Args.Add("--prefetch-concurrency");
                context.Args.Add(strategy.Concurrency.ToString(CultureInfo.InvariantCulture));
            }
        });
    }

    /// <summary>Serves the given weights; the server starts only once they are ready.</summary>
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
    /// Sets the simulated engine start for local runs: the time vLLM spends on imports, CUDA and engine set-up before it
    /// reads weights, during which the prefetch sidecar already reads them (reference/storage.md §4.2 fits 15.7 s).
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="engineStart">The engine start, zero or more.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithSimulatedEngineStart(this IResourceBuilder<VllmResource> builder, TimeSpan engineStart)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(engineStart, TimeSpan.Zero);
        builder.Resource.EngineStart = engineStart;
        return builder;
    }

    /// <summary>Sets the simulator's latency model for local runs: time to first token and time per output token.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="timeToFirstToken">Time to first token.</param>
    /// <param name="timePerOutputToken">Time per further output token.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<VllmResource> WithSimulatedLatency(this IResourceBuilder<VllmResource> builder, TimeSpan timeToFirstToken, TimeSpan timePerOutputToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeToFirstToken, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(timePerOutputToken, TimeSpan.Zero);
        builder.Resource.TimeToFirstToken = timeToFirstToken;
        builder.Resource.TimePerOutputToken = timePerOutputToken;
        return builder;
    }
}
