using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Polly.Timeout;

namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>
/// Asks an OCI distribution registry whether a tag exists (<c>HEAD /v2/{repository}/manifests/{tag}</c>), answering its
/// 401 challenge as clients do: Basic credentials directly, or for <c>Bearer realm=…</c> a token fetched from the realm
/// with those credentials. Failures become <see cref="ProvisioningException"/>s that name the image.
/// </summary>
/// <param name="http">The client, with the retries and per-attempt timeout of transient errors.</param>
internal sealed partial class ContainerRegistryClient(HttpClient http)
{
    private const string ManifestTypes = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, " +
        "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>
    /// Gets whether the SDK (and so this client) speaks plain HTTP to <paramref name="registry"/>: <c>localhost</c>
    /// registries and those listed in <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>.
    /// </summary>
    /// <param name="registry">The registry host and port.</param>
    /// <returns><see langword="true"/> for an insecure registry.</returns>
    public static bool IsInsecure(string registry)
    {
        if (registry == "localhost" || registry.StartsWith("localhost:", StringComparison.Ordinal))
        {
            return true;
        }

        var listed = Environment.GetEnvironmentVariable("DOTNET_CONTAINER_INSECURE_REGISTRIES") ?? "";
        return listed.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(registry, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the digest of the tag's manifest, or <see langword="null"/> when the registry has no such tag.</summary>
    /// <param name="image">The image.</param>
    /// <param name="credentials">The credentials to answer a challenge with.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The digest (empty if the registry sent none), or <see langword="null"/>.</returns>
    /// <exception cref="ProvisioningException">The registry cannot be reached, rejects the credentials or answers with an error.</exception>
    public async Task<string?> GetManifestDigestAsync(ContainerImageReference image, RegistryCredentials credentials, CancellationToken cancellationToken)
    {
        var scheme = IsInsecure(image.Registry) ? "http" : "https";
        var uri = new Uri($"{scheme}://{image.Registry}/v2/{image.Repository}/manifests/{image.Tag}");
        using var first = await SendAsync(image, HttpMethod.Head, uri, null, cancellationToken).ConfigureAwait(false);
        var response = first;
        HttpResponseMessage? second = null;
        try
        {
            if (first.StatusCode == HttpStatusCode.Unauthorized)
            {
                var authorization = await AuthorizeAsync(image, first, credentials, cancellationToken).ConfigureAwait(false);
                response = second = await SendAsync(image, HttpMethod.Head, uri, authorization, cancellationToken).ConfigureAwait(false);
            }

            return response.StatusCode switch
            {
                HttpStatusCode.OK => response.Headers.TryGetValues("Docker-Content-Digest", out var digest) ? digest.First() : "",
                HttpStatusCode.NotFound => null,
                HttpStatusCode.Unauthorized => throw Rejected(image, "401 Unauthorized: the registry rejected the credentials"),
                HttpStatusCode.Forbidden => throw Rejected(image, "403 Forbidden: the credentials may not read this repository"),
                _ => throw new ProvisioningException(
                    image.ToString(),
                    $"the registry answered HEAD {uri.AbsolutePath} with {(int)response.StatusCode} {response.ReasonPhrase}",
                    "Check that the registry is up and the container-registry parameter names it, then rerun the deploy."),
            };
        }
        finally
        {
            second?.Dispose();
        }
    }

    [GeneratedRegex("(?<key>[A-Za-z_]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex ChallengeParameter();

    private static ProvisioningException Rejected(ContainerImageReference image, string reason) => new(
        image.ToString(),
        reason,
        $"Check the Google credentials deploy uses (Application Default Credentials or GOOGLE_OAUTH_ACCESS_TOKEN) and that the account may push to {image.Registry} " +
        "(roles/artifactregistry.writer on the repository), then rerun the deploy.");

    private async Task<HttpResponseMessage> SendAsync(ContainerImageReference image, HttpMethod method, Uri uri, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("Accept", ManifestTypes);
        request.Headers.Authorization = authorization;
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ProvisioningException(
                image.ToString(),
                $"the registry {uri.GetLeftPart(UriPartial.Authority)} cannot be reached ({ex.Message})",
                "Check the container-registry parameter, your network and that the registry exists (gcloud artifacts repositories describe), then rerun the deploy.",
                ex);
        }
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(ContainerImageReference image, HttpResponseMessage challenged, RegistryCredentials credentials, CancellationToken cancellationToken)
    {
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));
        var challenge = challenged.Headers.WwwAuthenticate.FirstOrDefault();
        if (challenge is null || challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return basic;
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProvisioningException(image.ToString(), $"401 Unauthorized with an unsupported challenge '{challenge.Scheme}'", "Use a registry that accepts Basic or Bearer token authentication, such as Artifact Registry.");
        }

        var parameters = ChallengeParameter().Matches(challenge.Parameter ?? "").ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.OrdinalIgnoreCase);
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
            || (realmUri.Scheme != Uri.UriSchemeHttps && !(realmUri.Scheme == Uri.UriSchemeHttp && IsInsecure(image.Registry))))
        {
            // Credentials go only to an absolute HTTPS realm (plain HTTP only for a registry that is itself insecure).
            throw new ProvisioningException(image.ToString(), $"401 Unauthorized with a Bearer challenge whose realm '{realm}' is not an absolute HTTPS URL", "The registry is misconfigured; check the container-registry parameter.");
        }

        var query = string.Join('&', new[] { "service", "scope" }.Where(parameters.ContainsKey).Select(k => $"{k}={Uri.EscapeDataString(parameters[k])}"));
        var tokenUri = new UriBuilder(realmUri) { Query = query }.Uri;
        using var response = await SendAsync(image, HttpMethod.Get, tokenUri, basic, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw Rejected(image, $"401 Unauthorized: the registry's token service {realmUri.GetLeftPart(UriPartial.Path)} rejected the credentials");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ProvisioningException(image.ToString(), $"the registry's token service {realmUri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}", "Check that the registry is up, then rerun the deploy.");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var token = body.RootElement.TryGetProperty("token", out var t) ? t.GetString()
            : body.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        return token is { Length: > 0 }
            ? new AuthenticationHeaderValue("Bearer", token)
            : throw new ProvisioningException(image.ToString(), $"the registry's token service {realmUri.GetLeftPart(UriPartial.Path)} returned no token", "Check that the registry is up, then rerun the deploy.");
    }
}
