namespace VllmAspire.Provisioner.Images.Tests;

/// <summary>
/// A one-file console project written to a temporary folder, so a real <c>dotnet publish -t:PublishContainer</c> runs in
/// seconds and touches nothing of the repository's build output.
/// </summary>
internal sealed class TinyProject : IDisposable
{
    public const string AssemblyName = "TinyImageApp";

    private TinyProject(string root) => Root = root;

    /// <summary>Gets the folder that plays the repository root.</summary>
    public string Root { get; }

    /// <summary>Gets the project path relative to <see cref="Root"/>.</summary>
    public string RelativePath => $"app/{AssemblyName}.csproj";

    public static TinyProject Create(string programText = "System.Console.WriteLine(\"tiny image app\");")
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-image-").FullName;
        var app = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
        File.WriteAllText(Path.Combine(app, $"{AssemblyName}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>{AssemblyName}</AssemblyName>
                <InvariantGlobalization>true</InvariantGlobalization>
                <SatelliteResourceLanguages>en</SatelliteResourceLanguages>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), programText);

        // Keep the repository's Directory.Build.props and NuGet settings out: the temp folder is its own root.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        return new TinyProject(root);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
