using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// vLLM's torch.compile cache baked with the weights (<c>WithCompileCache</c>): the warm-up that fills it during the
/// bake, the copy each serving pod starts from, and the key the weights version carries.
/// <para>
/// Why a copy and not a read-only mount: vLLM points Inductor's and Triton's caches into its cache folder so that the
/// folder alone carries a compiled model to another machine, and on a hit they unpack their artefacts there and
/// take file locks in it; vLLM also creates its per-rank folders with <c>makedirs</c>. A read-only cache would turn a
/// hit into a failed or repeated compile (vllm-project/vllm PR #39718 "on load Triton and Inductor unpack their on-disk
/// state", <c>compiler_interface.py initialize_cache</c>). The cache is compiled kernels, small beside the weights, so
/// copying it from the read-only weights disk to an <c>emptyDir</c> costs little, and runs beside the prefetch sidecar.
/// </para>
/// <para>
/// The warm-up and the serving pod give vLLM the same model path, flags, <c>VLLM_*</c> environment (the cache root
/// is <see cref="CacheRoot"/> in both) and GPU type, which is what its cache key hashes, so the baked entry is the one
/// every pod looks up.
/// </para>
/// </summary>
public static class VllmCompileCacheManifests
{
    /// <summary>vLLM's cache root in the warm-up and in every serving pod (<c>VLLM_CACHE_ROOT</c>).</summary>
    public const string CacheRoot = "/vllm-cache";

    /// <summary>The folder of the weights disk that holds the baked cache, beside the weights (hidden, so no loader reads it as weights).</summary>
    public const string BakedFolder = ".vllm-compile-cache";

    /// <summary>The name of the serving pod's writable cache volume and of the init container that fills it.</summary>
    public const string VolumeName = "compile-cache";

    /// <summary>The name of the bake Job's container that runs vLLM once to fill the cache.</summary>
    public const string WarmupContainerName = "compile-cache-warmup";

    /// <summary>The first vLLM release whose default engine compiles with torch.compile and caches it (V1).</summary>
    public static VllmVersion Since => VllmVersion.FirstV1;

    /// <summary>
    /// The warm-up's shell program: <c>$1</c> is vLLM's health URL, the rest is the server's command line. It starts the
    /// server, waits until <c>/health</c> answers (vLLM serves only after torch.compile, and so after the cache is
    /// written), then stops it with SIGTERM and succeeds; if the server exits first, it fails, so the Job retries and the
    /// weights image is never made without the cache. It needs only <c>sh</c> and <c>python3</c>, which every vLLM image has.
    /// </summary>
    public const string WarmupScript = """
        url="$1"; shift
        "$@" &
        server=$!
        trap 'kill -TERM "$server" 2>/dev/null' TERM INT
        until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$url" 2>/dev/null; do
          if ! kill -0 "$server" 2>/dev/null; then
            wait "$server"
            echo "compile-cache warm-up: vLLM exited with $? before it served; no cache was written" >&2
            exit 1
          fi
          sleep 2
        done
        echo "compile-cache warm-up: vLLM is serving, its torch.compile cache is on the bake disk; stopping it"
        kill -TERM "$server"
        wait "$server"
        exit 0
        """;

    /// <summary>Gets the writable volume vLLM's cache root is on in a serving pod.</summary>
    public static V1Volume CacheVolume => new() { Name = VolumeName, EmptyDir = new V1EmptyDirVolumeSource() };

    /// <summary>Gets the mount of <see cref="CacheVolume"/> at <see cref="CacheRoot"/>.</summary>
    public static V1VolumeMount CacheMount => new() { Name = VolumeName, MountPath = CacheRoot };

    /// <summary>
    /// Gets the key vLLM's cache entry has for this workload: its release, the model path, every serving flag and
    /// <c>VLLM_*</c> variable, and the GPU type. Every serving flag counts, not only those vLLM hashes: a flag that
    /// does not change vLLM's key costs a needless bake, a missing one would serve a cold cache.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The key.</returns>
    public static VllmCompileCacheKey Key(GkeWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        VllmVersion.TryParseImageTag(workload.Image, out var version);
        var environment = VllmDeploymentBuilder.ServingEnvironment(workload).Where(e => e.Value is not null).Select(e => $"{e.Name}={e.Value}");
        return new VllmCompileCacheKey(version, workload.ModelPath, [.. VllmDeploymentBuilder.BuildArgs(workload), .. environment],
            workload.NodePool.Accelerator ?? "none");
    }

    /// <summary>
    /// Gets the part of the weights version the compile cache adds: a hash over the image reference (a rebuilt image of
    /// the same release has another compiler) and <see cref="Key"/>.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The hex digest.</returns>
    public static string VersionFactor(GkeWorkload workload) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{workload.Image}\n{Key(workload).Hash}")));

    /// <summary>
    /// Builds the serving pod's init container that copies the baked cache from the read-only weights mount into the
    /// writable <see cref="CacheVolume"/>. It runs the vLLM image, which the node has anyway.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The container.</returns>
    public static V1Container SeedContainer(GkeWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return new V1Container
        {
            Name = VolumeName,
            Image = workload.Image,
            // A missing baked cache fails the pod loudly rather than starting vLLM without it.
            Command = ["cp", "-a", $"{workload.ModelPath}/{BakedFolder}/.", $"{CacheRoot}/"],
            VolumeMounts =
            [
                new V1VolumeMount { Name = VllmDeploymentBuilder.WeightsVolume, MountPath = workload.ModelPath, ReadOnlyProperty = true },
                CacheMount,
            ],
        };
    }

    /// <summary>
    /// Builds the bake Job's warm-up container: the serving container (same image, flags, environment, GPUs) run by
    /// <see cref="WarmupScript"/> against the bake disk, mounted where the pods mount the weights, with vLLM's cache root
    /// on the same disk's <see cref="BakedFolder"/>.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <param name="bakeVolume">The bake disk's volume in the Job's pod.</param>
    /// <returns>The container.</returns>
    public static V1Container WarmupContainer(GkeWorkload workload, string bakeVolume)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentException.ThrowIfNullOrEmpty(bakeVolume);
        var container = VllmDeploymentBuilder.VllmContainer(workload, sidecarMemoryBytes: 0);
        container.Name = WarmupContainerName;
        container.Command = ["/bin/sh", "-c", WarmupScript, "compile-cache-warmup"];
        container.Args =
        [
            $"http://127.0.0.1:{VllmResource.ContainerPort}/health",
            "python3", "-m", "vllm.entrypoints.openai.api_server",
            .. container.Args,
        ];
        container.VolumeMounts =
        [
            new V1VolumeMount { Name = bakeVolume, MountPath = workload.ModelPath },
            new V1VolumeMount { Name = bakeVolume, MountPath = CacheRoot, SubPath = BakedFolder },
            VllmDeploymentBuilder.SharedMemoryMount,
        ];
        return container;
    }
}
