namespace VllmAspire.Provisioner.Gcp;

/// <summary>Supplies the OAuth bearer token for Google API calls.</summary>
internal interface IGcpAccessTokenSource
{
    /// <summary>Gets a valid access token with the cloud-platform scope.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The token (never logged).</returns>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}
