using Google.Apis.Auth.OAuth2;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>
/// The token from <c>GOOGLE_OAUTH_ACCESS_TOKEN</c> (configuration or environment) when set, otherwise from
/// Application Default Credentials scoped to cloud-platform; Google.Apis.Auth caches and refreshes that token.
/// </summary>
/// <param name="configuration">The configuration, read for <c>GOOGLE_OAUTH_ACCESS_TOKEN</c>.</param>
internal sealed class GcpAccessTokenSource(IConfiguration configuration) : IGcpAccessTokenSource
{
    /// <summary>The variable that holds a ready access token, e.g. from <c>gcloud auth print-access-token</c>.</summary>
    public const string TokenVariable = "GOOGLE_OAUTH_ACCESS_TOKEN";

    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITokenAccess? _credential;

    /// <inheritdoc />
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var token = configuration[TokenVariable] ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (!string.IsNullOrWhiteSpace(token))
        {
            return token.Trim();
        }

        var credential = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<ITokenAccess> GetCredentialAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credential is null)
            {
                try
                {
                    _credential = (await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false)).CreateScoped(CloudPlatformScope);
                }
                catch (InvalidOperationException ex)
                {
                    throw new ProvisioningException(
                        "Google credentials",
                        "no Application Default Credentials were found",
                        $"Run 'gcloud auth application-default login', or set {TokenVariable} (for example to the output of 'gcloud auth print-access-token').",
                        ex);
                }
            }

            return _credential;
        }
        finally
        {
            _gate.Release();
        }
    }
}
