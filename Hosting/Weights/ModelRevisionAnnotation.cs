namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The revision of a model's weights at their source (a Hugging Face commit, a Cloud Storage generation, or any tag
/// the user bumps when the files change). With the source it names the weights version that published disks carry.
/// </summary>
/// <param name="Revision">The revision.</param>
public sealed record ModelRevisionAnnotation(string Revision) : IResourceAnnotation;
