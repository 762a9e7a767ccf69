using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace VllmAspire.Provisioner.Api;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;token&gt;</c> with the configured <see cref="ProvisionerOptions.ApiToken"/>:
/// 401 without it or with a wrong one, 503 when no token is configured (the API is never open).
/// </summary>
/// <param name="next">The next middleware.</param>
/// <param name="options">The Provisioner options, read per request so a reloaded token takes effect.</param>
internal sealed class ApiTokenMiddleware(RequestDelegate next, IOptionsMonitor<ProvisionerOptions> options)
{
    private const string Scheme = "Bearer ";

    /// <summary>Checks the request's token, then calls the next middleware or answers 401 or 503.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        var expected = options.CurrentValue.ApiToken;
        if (string.IsNullOrWhiteSpace(expected))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The Provisioner API has no token configured.",
                detail: "Set the configuration value Provisioner:ApiToken (environment variable Provisioner__ApiToken); the API never runs without one.")
                .ExecuteAsync(context);
        }

        if (!Matches(context.Request.Headers.Authorization, expected))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid bearer token is required.",
                detail: "Send the header 'Authorization: Bearer <token>' with the token configured as Provisioner:ApiToken.")
                .ExecuteAsync(context);
        }

        return next(context);
    }

    private static bool Matches(StringValues authorization, string expected)
    {
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Comparing fixed-size hashes keeps the time constant even in the tokens' lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(value[Scheme.Length..].Trim())),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
