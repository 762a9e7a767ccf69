namespace VllmAspire.MetricsAdapterShim;

/// <summary>A refusal: the Status code, reason and message the caller gets.</summary>
/// <param name="Code">The HTTP status (401, 403 or 500).</param>
/// <param name="Reason">The Status reason (<c>Unauthorized</c>, <c>Forbidden</c>, <c>InternalError</c>).</param>
/// <param name="Message">The Status message.</param>
internal sealed record AccessDenial(int Code, string Reason, string Message);

/// <summary>Decides whether a request to the custom metrics API may be served.</summary>
internal interface IApiAccess
{
    /// <summary>Checks the request; null when it may be served.</summary>
    Task<AccessDenial?> CheckAsync(HttpContext context);
}
