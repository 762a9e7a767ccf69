namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>How the container image stages build and check images.</summary>
internal sealed class ContainerImageStageOptions
{
    /// <summary>
    /// Gets the base image passed as <c>ContainerBaseImage</c>, or <see langword="null"/> for the SDK's choice
    /// (<c>mcr.microsoft.com/dotnet/aspnet</c> of the project's framework). Tests point it at a fake registry.
    /// </summary>
    public string? BaseImage { get; init; }

    /// <summary>Gets the build configuration.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>Gets the <c>dotnet</c> executable: <c>DOTNET_HOST_PATH</c> when the SDK set it (under <c>dotnet run</c>), else <c>dotnet</c> on the PATH.</summary>
    public string DotnetPath { get; init; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Gets how long one build and push may take.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Gets how many times a registry request that failed transiently (429, 5xx, no connection) is retried.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Gets the first retry delay; later ones double, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how long one registry request (one attempt) may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how many of the build's last output lines an error quotes.</summary>
    public int ErrorLines { get; init; } = 8;
}
