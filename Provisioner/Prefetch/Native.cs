using System.Runtime.InteropServices;

namespace VllmAspire.Provisioner.Prefetch;

/// <summary>The few libc calls .NET has no API for: canonical paths and the file type of a path.</summary>
internal static class Native
{
    /// <summary>S_IFREG.</summary>
    public const int RegularFile = 0x8000;

    private const int FileTypeMask = 0xF000;

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe blocks, which this project does not allow.
    public static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    public static extern void free(IntPtr p);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054

    /// <summary>The S_IFMT bits of <paramref name="path"/> (links followed), or null when it does not exist.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The file type bits.</returns>
    public static int? FileType(string path)
    {
        // st_mode sits after st_dev, st_ino and (on x86-64) st_nlink in glibc's struct stat.
        var offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            var other => throw new PlatformNotSupportedException($"prefetch reads file types on x64 and arm64 Linux only, not {other}."),
        };
        var buffer = new byte[256];
        if (stat(path, buffer) != 0)
        {
            return null;
        }

        return BitConverter.ToInt32(buffer, offset) & FileTypeMask;
    }
}
