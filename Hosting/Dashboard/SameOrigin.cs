using Microsoft.AspNetCore.Http;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>Tells requests from the dashboard's own pages (or from scripts) apart from cross-site ones.</summary>
internal static class SameOrigin
{
    /// <summary>
    /// Whether a state-changing request may run: browsers send <c>Sec-Fetch-Site</c> and <c>Origin</c>, which must
    /// name this dashboard; scripts (curl, the Provisioner) send neither and are authorised by the bearer token alone.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>Whether it is same-origin.</returns>
    public static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            // A browser always sends Origin on a POST; without one, only a bearer-token script may act.
            return site.Length == 0 && request.Headers.Authorization.Count > 0;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
