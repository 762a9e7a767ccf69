using VllmAspire.Hosting.Weights;

namespace VllmSimulator.Tests;

/// <summary>One sample model per test run, shared by every test that only reads it.</summary>
public static class TestModels
{
    public static string TempRoot { get; } = CreateRoot();

    private static readonly Lazy<Task<SampleModelInfo>> Shared = new(() =>
        SampleModel.EnsureAsync(Path.Combine(TempRoot!, "sample")));

    public static Task<SampleModelInfo> SampleAsync() => Shared.Value;

    public static string NewFolder(string name)
    {
        var path = Path.Combine(TempRoot, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string CreateRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "vllmsim-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    }
}
