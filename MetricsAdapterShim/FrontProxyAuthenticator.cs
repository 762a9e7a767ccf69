using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Authenticates kube-apiserver's front proxy (reference/metrics.md §2.2, §2.5): the identity headers are believed
/// only when the TLS client certificate chains to the request-header CA (with the client-auth usage) and its common
/// name is allowed; otherwise they are ignored. The settings are read from
/// <c>kube-system/extension-apiserver-authentication</c> and read again every
/// <see cref="ClusterOptions.AuthenticationConfigRefresh"/> so a rotated CA is picked up.
/// </summary>
internal sealed class FrontProxyAuthenticator(IKubernetes client, IOptions<ShimOptions> options, TimeProvider time, ILogger<FrontProxyAuthenticator> logger)
{
    public const string AuthenticatedGroup = "system:authenticated";
    private static readonly Oid ClientAuthUsage = new("1.3.6.1.5.5.7.3.2");
    private readonly SemaphoreSlim _reload = new(1, 1);
    private RequestHeaderSettings? _settings;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private DateTimeOffset _nextRead = DateTimeOffset.MinValue;

    /// <summary>Returns the caller, or null when the request does not come from the front proxy.</summary>
    public async Task<CallerIdentity?> AuthenticateAsync(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted).ConfigureAwait(false);
        if (certificate is null)
        {
            return null;
        }

        var settings = await SettingsAsync(context.RequestAborted).ConfigureAwait(false);
        if (settings is null || !Trusted(certificate, settings))
        {
            return null;
        }

        var headers = context.Request.Headers;
        var user = settings.UsernameHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        if (user is null)
        {
            return null;
        }

        var groups = settings.GroupHeaders.SelectMany(h => headers[h]).Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (settings.ExtraHeaderPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } prefix && name.Length > prefix.Length)
            {
                var key = Uri.UnescapeDataString(name[prefix.Length..]).ToLowerInvariant();
                extra[key] = [.. (extra.TryGetValue(key, out var before) ? before : []), .. values.Where(v => v is not null).Select(v => v!)];
            }
        }

        // As the Go stack's authenticated-group adder: RBAC's discovery rules are bound to system:authenticated, and the
        // aggregator's discovery fallback arrives as system:kube-aggregator with no groups at all.
        if (!groups.Contains(AuthenticatedGroup, StringComparer.Ordinal))
        {
            groups.Add(AuthenticatedGroup);
        }

        return new CallerIdentity(user, groups, extra);
    }

    private bool Trusted(X509Certificate2 certificate, RequestHeaderSettings settings)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(settings.ClientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthUsage);
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        if (!chain.Build(certificate))
        {
            logger.LogDebug("Client certificate {Subject} does not chain to the request-header CA: {Status}", certificate.Subject,
                string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
            return false;
        }

        if (settings.AllowedNames.Count > 0 && !settings.AllowedNames.Contains(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), StringComparer.Ordinal))
        {
            logger.LogDebug("Client certificate {Subject} is not one of requestheader-allowed-names", certificate.Subject);
            return false;
        }

        return true;
    }

    private async Task<RequestHeaderSettings?> SettingsAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < _nextRead)
        {
            return _settings;
        }

        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (time.GetUtcNow() < _nextRead)
            {
                return _settings;
            }

            try
            {
                var configMap = await client.CoreV1.ReadNamespacedConfigMapAsync(RequestHeaderSettings.ConfigMapName, RequestHeaderSettings.ConfigMapNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                _settings = RequestHeaderSettings.From(configMap);
                _nextRead = time.GetUtcNow() + options.Value.Cluster.AuthenticationConfigRefresh;
                if (_settings is null)
                {
                    logger.LogError("{Namespace}/{ConfigMap} has no requestheader-client-ca-file: kube-apiserver runs without --requestheader-client-ca-file, so no caller can be authenticated.",
                        RequestHeaderSettings.ConfigMapNamespace, RequestHeaderSettings.ConfigMapName);
                }
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or FormatException)
            {
                // Keep the last good settings (none at first: every caller is refused) and try again next time.
                var status = e is HttpOperationException h ? $" ({(int)h.Response.StatusCode})" : "";
                logger.LogError("Reading {Namespace}/{ConfigMap} failed{Status}: {Error}. The shim's service account needs the RoleBinding to extension-apiserver-authentication-reader in kube-system.",
                    RequestHeaderSettings.ConfigMapNamespace, RequestHeaderSettings.ConfigMapName, status, e.Message);
                _nextRead = time.GetUtcNow() + RetryAfterFailure;
            }

            return _settings;
        }
        finally
        {
            _reload.Release();
        }
    }
}
