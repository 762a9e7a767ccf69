using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>Locally: every caller presents the token the AppHost generated (the shim listens on loopback only).</summary>
internal sealed class TokenAccess(IOptions<ShimOptions> options) : IApiAccess
{
    private static readonly Task<AccessDenial?> Allowed = Task.FromResult<AccessDenial?>(null);
    private static readonly Task<AccessDenial?> Refused = Task.FromResult<AccessDenial?>(
        new AccessDenial(401, "Unauthorized", "Unauthorized: present the shim's token as 'Authorization: Bearer <token>'"));

    public Task<AccessDenial?> CheckAsync(HttpContext context)
    {
        var token = options.Value.Token;
        if (string.IsNullOrEmpty(token))
        {
            // No token configured means nobody is let in: the shim never serves anonymously.
            return Refused;
        }

        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(token))
            ? Allowed
            : Refused;
    }
}
