using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// The in-cluster serving certificate. Why generated here rather than published: a published manifest must never
/// carry a private key, and the aggregator must trust the certificate. So at start the shim reads Secret
/// <see cref="ClusterOptions.CertificateSecret"/> of its namespace; when it is missing (first start) or near expiry
/// it issues a new certificate and creates/replaces the Secret (optimistically: when another replica got there
/// first, the shim takes that replica's certificate, so all replicas serve the same one); then it makes the
/// <c>caBundle</c> of its APIServices the certificate's CA (as KEDA's metrics server does) and keeps it so.
/// The key lives only in that Secret, readable by the shim's service account alone.
/// </summary>
internal sealed class ServingCertificateStore(IKubernetes client, IOptions<ShimOptions> options, TimeProvider time, ILogger<ServingCertificateStore> logger) : BackgroundService
{
    private static readonly TimeSpan CaBundleRecheck = TimeSpan.FromMinutes(5);
    private volatile X509Certificate2? _current;
    private string _caPem = "";

    /// <summary>Gets the certificate Kestrel presents; null until <see cref="StartAsync"/> has loaded it.</summary>
    public X509Certificate2? Current => _current;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded before the host reports started, so the first TLS handshake already has it.
        var pem = await LoadOrIssueAsync(cancellationToken).ConfigureAwait(false);
        _caPem = pem.CaPem;
        _current = X509Certificate2.CreateFromPem(pem.CertificatePem, pem.KeyPem);
        await EnsureCaBundlesAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Someone may re-create an APIService (kubectl replace, a fresh apply after delete): put the CA back.
        using var timer = new PeriodicTimer(CaBundleRecheck, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await EnsureCaBundlesAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _current?.Dispose();
        base.Dispose();
    }

    private async Task<ServingCertificatePem> LoadOrIssueAsync(CancellationToken cancellationToken)
    {
        var cluster = options.Value.Cluster;
        var names = ServingCertificateFactory.DnsNames(cluster.ServiceName, cluster.Namespace);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var secret = await ReadSecretAsync(cancellationToken).ConfigureAwait(false);
            if (secret is not null && Usable(secret, names) is { } existing)
            {
                logger.LogInformation("Serving certificate loaded from Secret {Namespace}/{Secret}", cluster.Namespace, cluster.CertificateSecret);
                return existing;
            }

            var issued = ServingCertificateFactory.Create(names, time.GetUtcNow(), cluster.CertificateValidity);
            var body = new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls",
                Metadata = new V1ObjectMeta
                {
                    Name = cluster.CertificateSecret, NamespaceProperty = cluster.Namespace,
                    ResourceVersion = secret?.Metadata.ResourceVersion,
                    Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "vllm-aspire-metrics-adapter" },
                },
                Data = new Dictionary<string, byte[]>
                {
                    ["tls.crt"] = Encoding.UTF8.GetBytes(issued.CertificatePem),
                    ["tls.key"] = Encoding.UTF8.GetBytes(issued.KeyPem),
                    ["ca.crt"] = Encoding.UTF8.GetBytes(issued.CaPem),
                },
            };
            try
            {
                if (secret is null)
                {
                    await client.CoreV1.CreateNamespacedSecretAsync(body, cluster.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await client.CoreV1.ReplaceNamespacedSecretAsync(body, cluster.CertificateSecret, cluster.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                logger.LogInformation("Issued a serving certificate for {Names} into Secret {Namespace}/{Secret}", string.Join(", ", names), cluster.Namespace, cluster.CertificateSecret);
                return issued;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Another replica wrote it between our read and write: read theirs.
            }
            catch (HttpOperationException e)
            {
                throw new InvalidOperationException($"Writing Secret {cluster.Namespace}/{cluster.CertificateSecret} failed with {(int)e.Response.StatusCode}: the shim's service account needs create/update on that Secret (the published Role grants it).", e);
            }
        }

        throw new InvalidOperationException($"Secret {cluster.Namespace}/{cluster.CertificateSecret} kept changing while the serving certificate was stored; restart the pod.");
    }

    private async Task<V1Secret?> ReadSecretAsync(CancellationToken cancellationToken)
    {
        var cluster = options.Value.Cluster;
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(cluster.CertificateSecret, cluster.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw new InvalidOperationException($"Reading Secret {cluster.Namespace}/{cluster.CertificateSecret} failed with {(int)e.Response.StatusCode}: the shim's service account needs get on that Secret (the published Role grants it).", e);
        }
    }

    // The stored certificate, unless it is incomplete, for other names, or has less than a tenth of its life left.
    private ServingCertificatePem? Usable(V1Secret secret, IReadOnlyList<string> names)
    {
        if (secret.Data is not { } data || !data.TryGetValue("tls.crt", out var crt) || !data.TryGetValue("tls.key", out var key) || !data.TryGetValue("ca.crt", out var ca))
        {
            return null;
        }

        var pem = new ServingCertificatePem(Encoding.UTF8.GetString(ca), Encoding.UTF8.GetString(crt), Encoding.UTF8.GetString(key));
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem.CertificatePem);
            var now = time.GetUtcNow();
            var margin = options.Value.Cluster.CertificateValidity / 10;
            return certificate.NotAfter.ToUniversalTime() - margin > now.UtcDateTime && names.All(n => certificate.MatchesHostname(n)) ? pem : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private async Task EnsureCaBundlesAsync(CancellationToken cancellationToken)
    {
        var cluster = options.Value.Cluster;
        var bundle = Encoding.UTF8.GetBytes(_caPem);
        foreach (var name in cluster.ApiServices.Count > 0 ? cluster.ApiServices : ClusterOptions.DefaultApiServices)
        {
            try
            {
                var service = await client.ApiregistrationV1.ReadAPIServiceAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (service.Spec?.CaBundle is { } current && current.AsSpan().SequenceEqual(bundle))
                {
                    continue;
                }

                // A merge patch of caBundle alone: `kubectl apply` of the published APIService never sets the field,
                // so a later apply leaves it in place.
                var patch = JsonSerializer.Serialize(new { spec = new { caBundle = Convert.ToBase64String(bundle) } });
                await client.ApiregistrationV1.PatchAPIServiceAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Set the caBundle of APIService {ApiService} to the serving certificate's CA", name);
            }
            catch (HttpOperationException e)
            {
                logger.LogError("Setting the caBundle of APIService {ApiService} failed with {Status}: apply the published APIServices and give the shim's service account get/patch on them (the published ClusterRole does).",
                    name, (int)e.Response.StatusCode);
            }
        }
    }
}
