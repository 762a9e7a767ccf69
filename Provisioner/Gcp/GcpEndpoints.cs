namespace VllmAspire.Provisioner.Gcp;

/// <summary>The base URLs of the Google APIs the Provisioner calls; each ends with a slash.</summary>
internal sealed class GcpEndpoints
{
    /// <summary>The real Compute Engine v1 base URL.</summary>
    public const string DefaultCompute = "https://compute.googleapis.com/compute/v1/";

    /// <summary>The real GKE (Container) base URL.</summary>
    public const string DefaultContainer = "https://container.googleapis.com/";

    /// <summary>The real Cloud Resource Manager base URL.</summary>
    public const string DefaultResourceManager = "https://cloudresourcemanager.googleapis.com/";

    /// <summary>Gets or sets the Compute Engine v1 base URL (paths such as <c>projects/p/zones/z/disks</c> follow it).</summary>
    public Uri Compute { get; set; } = new(DefaultCompute);

    /// <summary>Gets or sets the Container base URL (paths such as <c>v1/projects/p/locations/l/clusters/c</c> follow it).</summary>
    public Uri Container { get; set; } = new(DefaultContainer);

    /// <summary>Gets or sets the Cloud Resource Manager base URL (paths such as <c>v1/projects/p</c> follow it).</summary>
    public Uri ResourceManager { get; set; } = new(DefaultResourceManager);
}
