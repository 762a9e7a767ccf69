namespace VllmAspire.Publishing.Tests;

/// <summary>Compares a publish output folder with its committed golden copy (UPDATE_GOLDEN=1 rewrites the copy).</summary>
internal static class GoldenFiles
{
    public static void AssertMatches(string output, string golden)
    {
        var actual = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(output, f).Replace('\\', '/'), File.ReadAllText);

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(golden))
            {
                Directory.Delete(golden, recursive: true);
            }

            foreach (var (file, text) in actual)
            {
                var path = Path.Combine(golden, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
        }

        var expected = Directory.EnumerateFiles(golden, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(golden, f).Replace('\\', '/'), File.ReadAllText);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, text) in expected)
        {
            Assert.True(text == actual[file], $"{file} differs from its golden copy in {Path.GetFileName(golden)}; run with UPDATE_GOLDEN=1 to accept the new output and review the diff.");
        }
    }
}
