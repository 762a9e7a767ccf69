using System.Net.Http.Headers;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>Adds <c>Authorization: Bearer</c> to every attempt, so a retry after a token refresh uses the new token.</summary>
/// <param name="tokens">Where the token comes from.</param>
internal sealed class GcpAuthenticationHandler(IGcpAccessTokenSource tokens) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
