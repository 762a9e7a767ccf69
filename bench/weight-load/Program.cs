// The weight-load benchmark: vLLM-like sequential mmap loads, with and without the prefetch sidecar, on slowdisk
// profiles scaled from reference/storage.md's pd-ssd 1 TiB and 2 TiB, cold cache each run. See README.md.
using System.CommandLine;
using System.Globalization;
using VllmAspire.Bench.WeightLoad;
using VllmAspire.Hosting.Weights;

var slowdiskOption = new Option<string>("--slowdisk") { Description = "The slowdisk binary (build it with ../shared/tools/slowdisk/build.sh .build).", DefaultValueFactory = _ => ".build/slowdisk" };
var workOption = new Option<string>("--work") { Description = "Where the model and the mount go.", DefaultValueFactory = _ => ".build" };
var modelMiB = new Option<int>("--model-mib") { Description = "Size of the emulated model's tensor data in MiB.", DefaultValueFactory = _ => 512 };
var scale = new Option<double>("--scale") { Description = "k: the emulated disk's cap is the real cap / k, its latency the real latency × k.", DefaultValueFactory = _ => 8 };
var latency = new Option<int>("--latency-us") { Description = "Emulated per-request latency (calibrated against the seed's 2 TiB RA128 row).", DefaultValueFactory = _ => 4000 };
var maxRead = new Option<int>("--max-read-kb") { Description = "slowdisk's largest request; larger reads are split into concurrent requests of this size.", DefaultValueFactory = _ => 256 };
var runs = new Option<int>("--runs") { Description = "Runs per case (the median is reported).", DefaultValueFactory = _ => 3 };
var sizes = new Option<string>("--sizes-gib") { Description = "pd-ssd sizes to emulate.", DefaultValueFactory = _ => "1024,2048" };
var cases = new Option<string>("--cases") { Description = "Cases to run: seq128,seq1024,sidecar128,sidecar1024,prefetch128,prefetch1024; whole starts of a current vLLM: wholerecipe1024,wholeprefetch1024,wholecache1024.", DefaultValueFactory = _ => "seq128,seq1024,sidecar128,sidecar1024,prefetch128" };
var prefetchArgs = new Option<string>("--prefetch-args") { Description = "Extra arguments for prefetch.", DefaultValueFactory = _ => "--concurrency 16 --block-size 16M" };

var root = new RootCommand("Weight-load benchmark on slowdisk. Needs root (FUSE mounts, read_ahead_kb). Prints Markdown for docs/benchmarks.md.")
{
    slowdiskOption, workOption, modelMiB, scale, latency, maxRead, runs, sizes, cases, prefetchArgs,
};
root.SetAction(async (parse, ct) =>
{
    var slowdisk = Path.GetFullPath(parse.GetValue(slowdiskOption)!);
    if (!File.Exists(slowdisk))
    {
        Console.Error.WriteLine($"slowdisk not found at {slowdisk}: build it with `bash ../../../shared/tools/slowdisk/build.sh .build` (root; installs libfuse3-dev).");
        return 2;
    }

    var work = Path.GetFullPath(parse.GetValue(workOption)!);
    var mib = parse.GetValue(modelMiB);
    var model = await SampleModel.EnsureAsync(Path.Combine(work, $"model-{mib}m"), (long)mib << 20, shards: 4, ct);
    // The backing files stay in memory, so every read's cost is slowdisk's emulation, not this machine's disk.
    foreach (var shard in Directory.GetFiles(model.Directory))
    {
        await using var s = File.OpenRead(shard);
        await s.CopyToAsync(Stream.Null, ct);
    }

    var profiles = parse.GetValue(sizes)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Select(gib => new DiskProfile(
        $"pd-ssd {gib / 1024.0:0.#} TiB", gib, parse.GetValue(scale), parse.GetValue(latency), model.TotalBytes,
        SeedRows.Ra1024(gib), SeedRows.Ra128(gib), parse.GetValue(maxRead))).ToArray();
    var selected = parse.GetValue(cases)!.Split(',');
    var extra = parse.GetValue(prefetchArgs)!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    var mount = Path.Combine(work, "mnt");
    Console.WriteLine($"model: {model.ShardPaths.Count} shards, {model.TotalBytes} bytes; {Environment.ProcessorCount} CPUs; kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}");
    var results = new List<(DiskProfile Profile, string Case, int Ra, LoadRun[] Runs)>();
    foreach (var profile in profiles)
    {
        Console.WriteLine($"{profile.Name}: cap {profile.CapMiBps:F0} MiB/s → slowdisk {string.Join(' ', profile.SlowdiskArgs())}; time scale {profile.TimeScale:F4}; engine start {profile.EngineStartSeconds:F2} s");
        foreach (var name in selected)
        {
            var (loadCase, ra) = ParseCase(name);
            string? compileCache = null;
            if (loadCase == LoadCase.WholePrefetchCache)
            {
                // A previous start (untimed, on its own cold mount) left this start's torch.compile entry.
                compileCache = Path.Combine(work, "compile-cache", $"{profile.SizeGiB}-{ra}");
                if (Directory.Exists(compileCache))
                {
                    Directory.Delete(compileCache, recursive: true);
                }

                using var warm = SlowDiskMount.Mount(slowdisk, model.Directory, mount, profile, ra);
                await LoadRun.WarmCompileCacheAsync(warm.Path, compileCache);
            }

            var measured = new LoadRun[parse.GetValue(runs)];
            for (var i = 0; i < measured.Length; i++)
            {
                using (var m = SlowDiskMount.Mount(slowdisk, model.Directory, mount, profile, ra))
                {
                    measured[i] = await LoadRun.MeasureAsync(m.Path, profile, loadCase, extra, compileCache);
                }

                Console.WriteLine($"  {name} run {i + 1}: ready {measured[i].ReadySeconds:F2} s, load {measured[i].WeightLoadSeconds:F2} s" +
                    (measured[i].PrefetchSeconds is { } p ? $", prefetch {p:F2} s ({measured[i].PrefetchMBps:F0} MB/s)" : string.Empty));
            }

            results.Add((profile, name, ra, measured));
        }
    }

    Report.Print(results);
    return 0;
});
return await root.Parse(args).InvokeAsync();

static (LoadCase Case, int Ra) ParseCase(string name)
{
    var kind = name.TrimEnd("0123456789".ToCharArray());
    var ra = int.Parse(name[kind.Length..], CultureInfo.InvariantCulture);
    return (kind switch
    {
        "seq" => LoadCase.Sequential,
        "sidecar" => LoadCase.WithPrefetchSidecar,
        "prefetch" => LoadCase.PrefetchAlone,
        "wholerecipe" => LoadCase.WholeRecipe,
        "wholeprefetch" => LoadCase.WholePrefetch,
        "wholecache" => LoadCase.WholePrefetchCache,
        _ => throw new ArgumentException($"Unknown case '{name}': use seq, sidecar, prefetch, wholerecipe, wholeprefetch or wholecache followed by read_ahead_kb, e.g. sidecar128."),
    }, ra);
}
