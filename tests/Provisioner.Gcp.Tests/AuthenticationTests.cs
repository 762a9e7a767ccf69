using Microsoft.Extensions.Configuration;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>Where the bearer token comes from.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task ConfiguredToken_IsSentAsBearer_AndAWrongOneIs401WithALoginHint_NotRetried()
    {
        await using var bed = await GcpTestbed.StartAsync(s => s["GOOGLE_OAUTH_ACCESS_TOKEN"] = "stale-token");

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Compute.GetAsync($"projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks/d1", CancellationToken.None));

        Assert.Equal(401, ex.Error.HttpStatus);
        Assert.Single(bed.Fake.Requests);
        var permanent = ex.ToProvisioningException();
        Assert.Contains("gcloud auth application-default login", permanent.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("stale-token", permanent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTokenOrApplicationDefaultCredentials_TheErrorSaysHowToLogIn()
    {
        var previous = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid()}.json"));
        try
        {
            var source = new GcpAccessTokenSource(new ConfigurationBuilder().Build());

            var ex = await Assert.ThrowsAsync<ProvisioningException>(async () => await source.GetAccessTokenAsync(CancellationToken.None));

            Assert.Equal("Google credentials", ex.Resource);
            Assert.Contains("gcloud auth application-default login", ex.Fix, StringComparison.Ordinal);
            Assert.Contains("GOOGLE_OAUTH_ACCESS_TOKEN", ex.Fix, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", previous);
        }
    }
}
