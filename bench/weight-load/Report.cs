using System.Globalization;

namespace VllmAspire.Bench.WeightLoad;

/// <summary>Prints the results as the Markdown table of docs/benchmarks.md and checks issue 7's targets.</summary>
public static class Report
{
    /// <summary>Prints the table and the checks.</summary>
    /// <param name="results">Every case's runs.</param>
    public static void Print(IReadOnlyList<(DiskProfile Profile, string Case, int Ra, LoadRun[] Runs)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double Median(LoadRun[] runs) => runs.Select(r => r.ReadySeconds).Order().ElementAt(runs.Length / 2);
        double? Find(int gib, string name) => results.FirstOrDefault(r => r.Profile.SizeGiB == gib && r.Case == name) is { Runs: { } runs } ? Median(runs) : null;

        PrintWholeStarts([.. results.Where(r => r.Case.StartsWith("whole", StringComparison.Ordinal))], Median);
        results = [.. results.Where(r => !r.Case.StartsWith("whole", StringComparison.Ordinal))];
        if (results.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| disk | case | read_ahead_kb | ready s (median; min–max) | × own seq-1024 | × 2 TiB seq-1024 | at seed scale s | seed measured s | error |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (profile, name, ra, runs) in results)
        {
            var median = Median(runs);
            var own = Find(profile.SizeGiB, "seq1024");
            var best = Find(2048, "seq1024");
            var seedScale = profile.ToSeedScale(median);
            var seed = name.StartsWith("seq", StringComparison.Ordinal) ? (ra == 1024 ? profile.SeedRa1024Seconds : ra == 128 ? profile.SeedRa128Seconds : double.NaN) : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {profile.Name} | {Describe(name)} | {ra} | {median:F2} ({runs.Min(r => r.ReadySeconds):F2}–{runs.Max(r => r.ReadySeconds):F2}) | {Ratio(median, own)} | {Ratio(median, best)} | {seedScale:F1} | {(double.IsNaN(seed) ? "—" : seed.ToString("F1", CultureInfo.InvariantCulture))} | {(double.IsNaN(seed) ? "—" : ((seedScale / seed) - 1).ToString("+0%;-0%", CultureInfo.InvariantCulture))} |"));
        }

        Console.WriteLine();
        Check("2 TiB: sidecar (RA1024) ≤ 0.75 × seq-1024", Find(2048, "sidecar1024"), Find(2048, "seq1024"), 0.75);
        Check("2 TiB: sidecar (RA128) ≤ 0.75 × seq-1024", Find(2048, "sidecar128"), Find(2048, "seq1024"), 0.75);
        Check("2 TiB: sidecar RA128 within 10% of sidecar RA1024", Find(2048, "sidecar128"), Find(2048, "sidecar1024"), 1.10);
        Check("1 TiB: sidecar (RA128) ≤ 2 TiB seq-1024", Find(1024, "sidecar128"), Find(2048, "seq1024"), 1.0);
        Check("1 TiB: sidecar (RA1024) ≤ 2 TiB seq-1024", Find(1024, "sidecar1024"), Find(2048, "seq1024"), 1.0);
        foreach (var (profile, name, ra, runs) in results.Where(r => r.Case is "seq128" or "seq1024"))
        {
            var seed = ra == 1024 ? profile.SeedRa1024Seconds : profile.SeedRa128Seconds;
            var err = (profile.ToSeedScale(Median(runs)) / seed) - 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {(Math.Abs(err) <= 0.20 ? "MET" : "NOT MET")}: {profile.Name} {name} matches the seed within ±20% ({err:+0%;-0%})"));
        }
    }

    /// <summary>The whole-start table: container start to serving, each case against the recipe's best (2 TiB, read_ahead_kb 1024).</summary>
    private static void PrintWholeStarts(IReadOnlyList<(DiskProfile Profile, string Case, int Ra, LoadRun[] Runs)> results, Func<LoadRun[], double> median)
    {
        if (results.Count == 0)
        {
            return;
        }

        var best = results.Where(r => r.Case == "wholerecipe1024").OrderBy(r => median(r.Runs)).Select(r => (double?)median(r.Runs)).FirstOrDefault();
        Console.WriteLine();
        Console.WriteLine("| disk | case | read_ahead_kb | ready s (median; min–max) | × recipe's best | at full scale s | first line s | weights loaded s | torch.compile s | prefetch MB/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (profile, name, ra, runs) in results)
        {
            var m = median(runs);
            double Mid(Func<LoadRun, double?> f) => runs.Select(r => f(r) ?? double.NaN).Order().ElementAt(runs.Length / 2);
            var load = Mid(r => r.WeightLoadSeconds);
            var mbps = runs.Where(r => r.PrefetchMBps is not null).Select(r => r.PrefetchMBps!.Value).DefaultIfEmpty(double.NaN).Average();
            var what = name switch
            {
                var n when n.StartsWith("wholerecipe", StringComparison.Ordinal) => "recipe: sequential load, no compile cache",
                var n when n.StartsWith("wholeprefetch", StringComparison.Ordinal) => "prefetch sidecar",
                _ => "prefetch sidecar + compile cache",
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {profile.Name} | {what} | {ra} | {m:F2} ({runs.Min(r => r.ReadySeconds):F2}–{runs.Max(r => r.ReadySeconds):F2}) | {Ratio(m, best)} | {profile.ToSeedScale(m):F1} | {Mid(r => r.FirstLineSeconds):F2} | {load:F2} | {Mid(r => r.CompileSeconds):F2} | {(double.IsNaN(mbps) ? "—" : mbps.ToString("F0", CultureInfo.InvariantCulture))} |"));
        }
    }

    private static string Describe(string name) => name switch
    {
        var n when n.StartsWith("seq", StringComparison.Ordinal) => "sequential mmap load",
        var n when n.StartsWith("sidecar", StringComparison.Ordinal) => "mmap load + prefetch sidecar",
        _ => "prefetch alone",
    };

    private static string Ratio(double value, double? reference) => reference is { } r ? (value / r).ToString("F2", CultureInfo.InvariantCulture) : "—";

    private static void Check(string what, double? value, double? reference, double limit)
    {
        if (value is null || reference is null)
        {
            return;
        }

        var ratio = value.Value / reference.Value;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {(ratio <= limit ? "MET" : "NOT MET")}: {what}: {ratio:F2} (limit {limit:F2})"));
    }
}
