namespace VllmAspire.Hosting;

/// <summary>
/// Where a .NET project and its build output are. The AppHost build generates one <c>Projects.&lt;Name&gt;</c>
/// class per project reference, as Aspire's AppHost SDK does.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Gets the full path of the project file.</summary>
    string ProjectPath { get; }

    /// <summary>Gets the full path of the built assembly that is started.</summary>
    string TargetPath { get; }
}
