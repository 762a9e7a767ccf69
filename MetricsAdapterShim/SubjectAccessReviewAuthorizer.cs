using System.Collections.Concurrent;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>The outcome of authorizing one request.</summary>
/// <param name="Allowed">Whether the caller may proceed.</param>
/// <param name="Reason">The authorizer's reason, when it gave one.</param>
internal sealed record AuthorizationResult(bool Allowed, string? Reason);

/// <summary>
/// Delegated authorization (reference/metrics.md §2.3): asks kube-apiserver with a SubjectAccessReview whether the
/// authenticated caller may do what the request asks. Answers, allowed and denied alike, are reused for
/// <see cref="ClusterOptions.AuthorizationCacheTtl"/> (the HPA asks the same question every 15 s per HPA); group
/// <c>system:masters</c> is allowed without asking, as the Go stack does. Failures are not cached and fail closed.
/// </summary>
internal sealed class SubjectAccessReviewAuthorizer(IKubernetes client, IOptions<ShimOptions> options, TimeProvider time)
{
    private const int MaxCachedDecisions = 4096;
    private readonly ConcurrentDictionary<string, (AuthorizationResult Result, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>Authorizes; throws when kube-apiserver could not be asked (the caller answers 500).</summary>
    public async Task<AuthorizationResult> AuthorizeAsync(CallerIdentity caller, RequestAttributes attributes, CancellationToken cancellationToken)
    {
        if (caller.Groups.Contains("system:masters", StringComparer.Ordinal))
        {
            return new AuthorizationResult(true, null);
        }

        var key = Key(caller, attributes);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Result;
        }

        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = caller.User,
                Groups = [.. caller.Groups],
                Extra = caller.Extra.Count == 0 ? null : caller.Extra.ToDictionary(e => e.Key, e => (IList<string>)[.. e.Value]),
                ResourceAttributes = attributes.Resource,
                NonResourceAttributes = attributes.NonResource,
            },
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Cluster.AuthorizationTimeout);
        var answer = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: timeout.Token).ConfigureAwait(false);
        var result = new AuthorizationResult(answer.Status?.Allowed == true && answer.Status.Denied != true, answer.Status?.Reason);
        if (_cache.Count >= MaxCachedDecisions)
        {
            foreach (var (k, v) in _cache)
            {
                if (v.Expires <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }
        }

        _cache[key] = (result, time.GetUtcNow() + options.Value.Cluster.AuthorizationCacheTtl);
        return result;
    }

    private static string Key(CallerIdentity caller, RequestAttributes attributes)
    {
        var key = new StringBuilder(caller.User).Append('\n');
        foreach (var group in caller.Groups.Order(StringComparer.Ordinal))
        {
            key.Append(group).Append('\n');
        }

        foreach (var (name, values) in caller.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            key.Append(name).Append('=').AppendJoin(',', values).Append('\n');
        }

        return key.Append(attributes.Key).ToString();
    }
}
