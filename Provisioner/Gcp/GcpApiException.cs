using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>
/// A Google API call or long-running operation failed. Clients throw it so callers can act on 404/409; stages turn
/// what they do not handle into a <see cref="ProvisioningException"/> with <see cref="ToProvisioningException"/>.
/// </summary>
internal sealed class GcpApiException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GcpApiException"/> class.</summary>
    /// <param name="resource">The object the call was about, e.g. <c>projects/p/zones/z/disks/d</c>.</param>
    /// <param name="error">The parsed error.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public GcpApiException(string resource, GcpApiError error, Exception? innerException = null)
        : base($"{resource}: {error}", innerException)
    {
        Resource = resource;
        Error = error;
    }

    /// <summary>Gets the object the call was about.</summary>
    public string Resource { get; }

    /// <summary>Gets the API's error.</summary>
    public GcpApiError Error { get; }

    /// <summary>Turns the error into a permanent stage error with a hint for the common causes.</summary>
    /// <returns>The exception to throw.</returns>
    public ProvisioningException ToProvisioningException() => new(Resource, Error.ToString(), FixFor(Error), this);

    private static string FixFor(GcpApiError e)
    {
        var text = $"{e.Status} {e.Reason} {e.Message}";
        if (e.HttpStatus == 401)
        {
            return $"The access token is missing or expired: run 'gcloud auth application-default login' or set {GcpAccessTokenSource.TokenVariable}.";
        }

        if (e.HttpStatus == 403 && (e.Reason is "accessNotConfigured" or "SERVICE_DISABLED" || text.Contains("has not been used", StringComparison.OrdinalIgnoreCase) || text.Contains("is disabled", StringComparison.OrdinalIgnoreCase)))
        {
            return e.Service is { } service
                ? $"Enable the API in the project: gcloud services enable {service}"
                : "Enable the APIs in the project: gcloud services enable compute.googleapis.com container.googleapis.com cloudresourcemanager.googleapis.com containerfilesystem.googleapis.com";
        }

        if (text.Contains("QUOTA", StringComparison.OrdinalIgnoreCase) || e.Reason is "rateLimitExceeded" or "ZONE_RESOURCE_POOL_EXHAUSTED" || e.Status is "RESOURCE_EXHAUSTED")
        {
            return "A quota or capacity limit was reached: request more quota (IAM & Admin > Quotas), choose another zone or machine type, or lower the sizes in the AppHost.";
        }

        return e.HttpStatus switch
        {
            403 => "The deploying principal lacks a permission: grant it roles/compute.admin, roles/container.admin and roles/resourcemanager.projectIamAdmin (or narrower roles covering this call) on the project.",
            404 => "Check the project, zone/location and names in the AppHost's GKE environment; the object (or the cluster) does not exist.",
            409 => "An object with this name exists and was not created by vllm-aspire (or is being changed): delete or rename it, or change the name in the AppHost.",
            400 => "The API rejected the request as invalid: check the values in the AppHost model (machine type, disk sizes, zone); if they are right, report this plan as a VllmAspire bug.",
            >= 500 => "Google's API kept failing after retries: try again later (the deploy is safe to rerun).",
            _ => "Rerun the deploy once the cause is fixed; finished stages are left as they are.",
        };
    }
}
