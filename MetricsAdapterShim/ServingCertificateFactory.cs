using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>The PEM parts of a serving certificate: the CA that goes into the APIServices' <c>caBundle</c>, the certificate and its key.</summary>
/// <param name="CaPem">The issuing CA's certificate.</param>
/// <param name="CertificatePem">The serving certificate.</param>
/// <param name="KeyPem">The serving certificate's private key (PKCS#8).</param>
internal sealed record ServingCertificatePem(string CaPem, string CertificatePem, string KeyPem);

/// <summary>
/// Issues the shim's serving certificate: a throw-away CA (its key is never stored, so nothing else can be signed
/// with it) and an ECDSA P-256 server certificate for the Service's DNS names, which kube-apiserver dials.
/// </summary>
internal static class ServingCertificateFactory
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The DNS names kube-apiserver may use for a Service (it dials <c>&lt;svc&gt;.&lt;ns&gt;.svc</c>).</summary>
    public static IReadOnlyList<string> DnsNames(string service, string ns) =>
        [$"{service}.{ns}.svc", service, $"{service}.{ns}", $"{service}.{ns}.svc.cluster.local"];

    public static ServingCertificatePem Create(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan validity)
    {
        // Backdated a little: nodes' clocks drift, and a certificate "not yet valid" would break the aggregator.
        var notBefore = now.AddMinutes(-5);
        var notAfter = now + validity;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={dnsNames[0]}-ca@{now.ToUnixTimeSeconds()}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid(ServerAuthOid)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(ca, notBefore, notAfter, serial);
        return new ServingCertificatePem(ca.ExportCertificatePem(), certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
