using System.Security.Cryptography;
using System.Text;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The dashboard's browser token and the cookie derived from it, compared in constant time.</summary>
public sealed class DashboardToken
{
    private readonly byte[] _token;
    private readonly byte[] _cookie;

    /// <summary>Initializes the token: <paramref name="configured"/> when given, else a fresh 128-bit token.</summary>
    /// <param name="configured">A token from configuration (<c>AppHost:BrowserToken</c>), if any.</param>
    public DashboardToken(string? configured)
    {
        Value = string.IsNullOrEmpty(configured) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : configured;
        _token = Encoding.UTF8.GetBytes(Value);
        // The cookie carries a value derived from the token, so the token itself is not stored in the browser.
        CookieValue = Convert.ToHexStringLower(HMACSHA256.HashData(_token, "vllm-aspire-dashboard-cookie"u8));
        _cookie = Encoding.UTF8.GetBytes(CookieValue);
    }

    /// <summary>The name of the login cookie.</summary>
    public const string CookieName = ".VllmAspire.Dashboard";

    /// <summary>Gets the token.</summary>
    public string Value { get; }

    /// <summary>Gets the value of the login cookie.</summary>
    public string CookieValue { get; }

    /// <summary>Checks a presented token in constant time.</summary>
    /// <param name="candidate">The presented token.</param>
    /// <returns>Whether it matches.</returns>
    public bool MatchesToken(string? candidate) => Matches(_token, candidate);

    /// <summary>Checks a presented cookie in constant time.</summary>
    /// <param name="candidate">The presented cookie value.</param>
    /// <returns>Whether it matches.</returns>
    public bool MatchesCookie(string? candidate) => Matches(_cookie, candidate);

    private static bool Matches(byte[] expected, string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(candidate));
}
