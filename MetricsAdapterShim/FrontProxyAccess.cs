using k8s.Autorest;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// In a cluster (reference/metrics.md §2.5): the front proxy's identity (else 401, whatever identity headers the
/// request carries), then a SubjectAccessReview (else 403; 500 when kube-apiserver cannot be asked).
/// </summary>
internal sealed class FrontProxyAccess(FrontProxyAuthenticator authenticator, SubjectAccessReviewAuthorizer authorizer, ILogger<FrontProxyAccess> logger) : IApiAccess
{
    public async Task<AccessDenial?> CheckAsync(HttpContext context)
    {
        var caller = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        if (caller is null)
        {
            return new AccessDenial(401, "Unauthorized", "Unauthorized");
        }

        var attributes = RequestAttributes.For(context.Request.Path.Value ?? "/");
        try
        {
            var result = await authorizer.AuthorizeAsync(caller, attributes, context.RequestAborted).ConfigureAwait(false);
            return result.Allowed ? null : new AccessDenial(403, "Forbidden", attributes.ForbiddenMessage(caller.User, result.Reason));
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("SubjectAccessReview for {User} ({Attributes}) failed: {Error}", caller.User, attributes.Key, e.Message);
            return new AccessDenial(500, "InternalError", "Internal error occurred: authorization could not be checked");
        }
    }
}
