using VllmAspire.Provisioner.Gcp;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>
/// Checks, before any stage runs, that GCP credentials can be found where Application Default Credentials look, or
/// in <c>GOOGLE_OAUTH_ACCESS_TOKEN</c>, so a missing login is bad input (exit 2) rather than a failure half-way.
/// </summary>
internal static class GcpCredentialCheck
{
    /// <summary>The environment variable naming a service-account or ADC JSON file.</summary>
    public const string CredentialsFileVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary>Throws when no credentials can be found.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <exception cref="DeploymentInputException">No credentials, or a credentials file that does not exist.</exception>
    public static void Ensure(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(environment(GcpAccessTokenSource.TokenVariable)))
        {
            return;
        }

        if (environment(CredentialsFileVariable) is { Length: > 0 } file)
        {
            if (File.Exists(file))
            {
                return;
            }

            throw new DeploymentInputException(
                $"{CredentialsFileVariable} names {file}, which does not exist. Point it at a service-account key or ADC file, or unset it and run `gcloud auth application-default login`.");
        }

        // gcloud's well-known ADC file, as Application Default Credentials look for it on Linux and macOS.
        var gcloudConfig = environment("CLOUDSDK_CONFIG") is { Length: > 0 } configured
            ? configured
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "gcloud");
        if (File.Exists(Path.Combine(gcloudConfig, "application_default_credentials.json")))
        {
            return;
        }

        // In a GKE pod the metadata server answers for the workload's service account.
        if (!string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")))
        {
            return;
        }

        throw new DeploymentInputException(
            $"No GCP credentials: {GcpAccessTokenSource.TokenVariable} and {CredentialsFileVariable} are unset and {Path.Combine(gcloudConfig, "application_default_credentials.json")} does not exist. " +
            $"Run `gcloud auth application-default login`, or set {GcpAccessTokenSource.TokenVariable}=$(gcloud auth print-access-token).");
    }
}
