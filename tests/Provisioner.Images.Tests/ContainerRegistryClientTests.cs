using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Images;
using VllmAspire.Testing.Fakes.Registry;

namespace VllmAspire.Provisioner.Images.Tests;

/// <summary>The stage's registry check answers both challenges: Basic as Artifact Registry accepts it, and the Bearer token flow.</summary>
public sealed class ContainerRegistryClientTests
{
    [Theory]
    [InlineData(FakeRegistryChallenge.Basic)]
    [InlineData(FakeRegistryChallenge.Bearer)]
    public async Task ManifestDigest_IsFoundForAnExistingTag_AndNullForAMissingOne(FakeRegistryChallenge challenge)
    {
        await using var registry = await FakeRegistry.StartAsync(challenge);
        registry.SeedBaseImage("my-project/vllm/app", "1.0");
        using var http = new HttpClient();
        var client = new ContainerRegistryClient(http);
        var credentials = new RegistryCredentials(FakeRegistry.Username, FakeRegistry.Password);

        var found = await client.GetManifestDigestAsync(new ContainerImageReference(registry.Host, "my-project/vllm/app", "1.0"), credentials, TestContext.Current.CancellationToken);
        var missing = await client.GetManifestDigestAsync(new ContainerImageReference(registry.Host, "my-project/vllm/app", "2.0"), credentials, TestContext.Current.CancellationToken);

        Assert.Matches("^sha256:[0-9a-f]{64}$", found);
        Assert.Null(missing);
        Assert.Equal(challenge == FakeRegistryChallenge.Bearer ? ["", "Basic", "Bearer", "", "Basic", "Bearer"] : ["", "Basic", "", "Basic"], registry.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task ABearerRealmOverPlainHttp_GetsNoCredentials_FromASecureRegistry()
    {
        await using var registry = await FakeRegistry.StartAsync(FakeRegistryChallenge.Bearer);
        using var http = new HttpClient(new RedirectToFake(registry.Host));
        var client = new ContainerRegistryClient(http);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => client.GetManifestDigestAsync(
            new ContainerImageReference("registry.example.com", "app", "1.0"), new RegistryCredentials(FakeRegistry.Username, FakeRegistry.Password), TestContext.Current.CancellationToken));

        Assert.Contains("is not an absolute HTTPS URL", error.Reason);
        Assert.DoesNotContain(registry.Requests, r => r.Authorization.Length > 0);
    }

    [Fact]
    public void Credentials_NeverPrintThePassword()
    {
        var credentials = new RegistryCredentials(RegistryCredentials.AccessTokenUsername, "ya29.secret");

        Assert.Equal("oauth2accesstoken:***", credentials.ToString());
        Assert.Equal("token ***", credentials.Redact("token ya29.secret"));
    }

    /// <summary>Sends an HTTPS request for another host to the fake over HTTP, as if that host were the fake.</summary>
    private sealed class RedirectToFake(string host) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Host == "registry.example.com")
            {
                request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = "http", Host = host.Split(':')[0], Port = int.Parse(host.Split(':')[1]) }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
