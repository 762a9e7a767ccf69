using System.Diagnostics;
using System.Globalization;

namespace VllmAspire.Bench.WeightLoad;

/// <summary>
/// A slowdisk FUSE mount of the model folder. Each mount starts with an empty page cache for its files (the
/// cache belongs to the FUSE inodes, which go with the mount), so remounting gives a cold cache without
/// dropping the whole machine's caches.
/// </summary>
public sealed class SlowDiskMount : IDisposable
{
    private SlowDiskMount(string path) => Path = path;

    /// <summary>Gets the mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts <paramref name="source"/> at <paramref name="mountPoint"/> with the profile and read-ahead.</summary>
    /// <param name="slowdisk">The slowdisk binary.</param>
    /// <param name="source">The folder to serve.</param>
    /// <param name="mountPoint">An empty folder.</param>
    /// <param name="profile">The disk profile.</param>
    /// <param name="readAheadKb">The mount's read_ahead_kb.</param>
    /// <returns>The mount.</returns>
    public static SlowDiskMount Mount(string slowdisk, string source, string mountPoint, DiskProfile profile, int readAheadKb)
    {
        Directory.CreateDirectory(mountPoint);
        Run(slowdisk, [source, mountPoint, .. profile.SlowdiskArgs()]);
        var mount = new SlowDiskMount(mountPoint);
        try
        {
            // The mount's backing device (major:minor) names its read-ahead knob, as on a real PD mount.
            var device = Run("mountpoint", ["-d", mountPoint]).Trim();
            File.WriteAllText($"/sys/class/bdi/{device}/read_ahead_kb", readAheadKb.ToString(CultureInfo.InvariantCulture));
            var actual = File.ReadAllText($"/sys/class/bdi/{device}/read_ahead_kb").Trim();
            if (actual != readAheadKb.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"read_ahead_kb of {mountPoint} is {actual} after writing {readAheadKb}.");
            }
        }
        catch
        {
            mount.Dispose();
            throw;
        }

        return mount;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A reader still holding a file keeps the mount busy for a moment after it is killed.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                Run("fusermount3", ["-u", Path]);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs a command to completion.</summary>
    /// <param name="file">The program.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>Its standard output.</returns>
    /// <exception cref="InvalidOperationException">It failed.</exception>
    public static string Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Trim()}");
        }

        return stdout.Result;
    }
}
