using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using k8s.Models;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// The front proxy's settings as kube-apiserver publishes them in ConfigMap
/// <c>kube-system/extension-apiserver-authentication</c> (reference/metrics.md §2.2): its client CA, the allowed
/// certificate common names (empty = any), and the header names; list values are JSON-encoded string arrays.
/// </summary>
internal sealed class RequestHeaderSettings
{
    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    private RequestHeaderSettings(X509Certificate2Collection clientCas, IReadOnlyList<string> allowedNames, IReadOnlyList<string> usernameHeaders,
        IReadOnlyList<string> groupHeaders, IReadOnlyList<string> extraHeaderPrefixes)
    {
        ClientCas = clientCas;
        AllowedNames = allowedNames;
        UsernameHeaders = usernameHeaders;
        GroupHeaders = groupHeaders;
        ExtraHeaderPrefixes = extraHeaderPrefixes;
    }

    /// <summary>Gets the CAs a front-proxy client certificate must chain to.</summary>
    public X509Certificate2Collection ClientCas { get; }

    /// <summary>Gets the common names the client certificate may have; empty allows any.</summary>
    public IReadOnlyList<string> AllowedNames { get; }

    public IReadOnlyList<string> UsernameHeaders { get; }

    public IReadOnlyList<string> GroupHeaders { get; }

    public IReadOnlyList<string> ExtraHeaderPrefixes { get; }

    /// <summary>Reads the settings; null when the cluster has no front proxy configured (no request-header CA).</summary>
    /// <exception cref="FormatException">A value is not what kube-apiserver writes.</exception>
    public static RequestHeaderSettings? From(V1ConfigMap configMap)
    {
        var data = configMap.Data ?? new Dictionary<string, string>();
        if (!data.TryGetValue("requestheader-client-ca-file", out var caPem) || string.IsNullOrWhiteSpace(caPem))
        {
            return null;
        }

        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPem(caPem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new FormatException($"requestheader-client-ca-file of {ConfigMapNamespace}/{ConfigMapName} is not PEM certificates: {e.Message}", e);
        }

        if (cas.Count == 0)
        {
            throw new FormatException($"requestheader-client-ca-file of {ConfigMapNamespace}/{ConfigMapName} holds no certificate.");
        }

        return new RequestHeaderSettings(cas, List(data, "requestheader-allowed-names"), List(data, "requestheader-username-headers"),
            List(data, "requestheader-group-headers"), List(data, "requestheader-extra-headers-prefix"));
    }

    private static List<string> List(IDictionary<string, string> data, string key)
    {
        if (!data.TryGetValue(key, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(json)?.Where(v => v.Length > 0).ToList() ?? [];
        }
        catch (JsonException e)
        {
            throw new FormatException($"{key} of {ConfigMapNamespace}/{ConfigMapName} is not a JSON array of strings: {e.Message}", e);
        }
    }
}
