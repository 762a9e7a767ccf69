namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>The Basic credentials a registry accepts; <see cref="ToString"/> never shows the password.</summary>
/// <param name="Username">The user name, e.g. <c>oauth2accesstoken</c> for Artifact Registry.</param>
/// <param name="Password">The password or access token.</param>
internal sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>The user name with which Artifact Registry takes an OAuth access token as the password.</summary>
    public const string AccessTokenUsername = "oauth2accesstoken";

    /// <summary>Hides <paramref name="text"/>'s occurrences of the password, in case a tool echoes it.</summary>
    /// <param name="text">A line of output.</param>
    /// <returns>The line with the password replaced by <c>***</c>.</returns>
    public string Redact(string text) => Password.Length == 0 ? text : text.Replace(Password, "***", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Username}:***";
}
