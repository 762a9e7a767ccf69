using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VllmAspire.Testing.Fakes.Registry;

namespace VllmAspire.Provisioner.Images.Tests;

/// <summary>The fake registry rejects what the distribution spec has a registry reject, so a client bug cannot pass against it.</summary>
public sealed class FakeRegistryTests : IAsyncLifetime
{
    private const string Repository = "my-project/vllm/app";
    private FakeRegistry _registry = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _registry = await FakeRegistry.StartAsync(FakeRegistryChallenge.Basic);
        _http = new HttpClient { BaseAddress = new Uri($"http://{_registry.Host}/") };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeRegistry.Username}:{FakeRegistry.Password}")));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task AnonymousRequests_Get401WithAChallenge_AndTheTokenEndpointRejectsWrongCredentials()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        using var ping = await anonymous.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, ping.StatusCode);
        Assert.Equal("Basic", ping.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("UNAUTHORIZED", await ping.Content.ReadAsStringAsync());

        await using var bearer = await FakeRegistry.StartAsync(FakeRegistryChallenge.Bearer);
        using var other = new HttpClient { BaseAddress = new Uri($"http://{bearer.Host}/") };
        using var challenged = await other.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/manifests/1"));
        var challenge = challenged.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"realm=\"http://{bearer.Host}/v2/token\"", challenge.Parameter);
        Assert.Contains($"scope=\"repository:{Repository}:pull\"", challenge.Parameter);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "v2/token");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeRegistry.Username}:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task AMonolithicUpload_WithTheWrongDigest_IsRejected()
    {
        var content = Encoding.UTF8.GetBytes("layer bytes");
        var wrongDigest = FakeRegistry.Digest(Encoding.UTF8.GetBytes("other bytes"));

        using var rejected = await _http.PostAsync($"v2/{Repository}/blobs/uploads/?digest={wrongDigest}", new ByteArrayContent(content));
        using var accepted = await _http.PostAsync($"v2/{Repository}/blobs/uploads/?digest={FakeRegistry.Digest(content)}", new ByteArrayContent(content));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Contains("DIGEST_INVALID", await rejected.Content.ReadAsStringAsync());
        Assert.Null(_registry.Blob(Repository, wrongDigest));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(content, _registry.Blob(Repository, FakeRegistry.Digest(content)));
    }

    [Fact]
    public async Task AChunkedUpload_RejectsAChunkOutOfOrder_AndAWrongFinalDigest()
    {
        using var start = await _http.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();

        using var first = await _http.PatchAsync(location, Chunk("abc", 0));
        using var gap = await _http.PatchAsync(location, Chunk("xyz", 10));
        using var second = await _http.PatchAsync(location, Chunk("def", 3));
        using var wrong = await _http.PutAsync($"{location}?digest={FakeRegistry.Digest(Encoding.UTF8.GetBytes("abc"))}", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("0-2", first.Headers.GetValues("Range").Single());
        Assert.Equal((HttpStatusCode)416, gap.StatusCode);
        Assert.Equal("0-5", second.Headers.GetValues("Range").Single());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("DIGEST_INVALID", await wrong.Content.ReadAsStringAsync());

        using var again = await _http.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        var next = again.Headers.Location!.ToString();
        await _http.PatchAsync(next, Chunk("abc", 0));
        using var done = await _http.PutAsync($"{next}?digest={FakeRegistry.Digest(Encoding.UTF8.GetBytes("abcdef"))}", Chunk("def", 3));
        Assert.Equal(HttpStatusCode.Created, done.StatusCode);
        Assert.Equal("abcdef"u8.ToArray(), _registry.Blob(Repository, FakeRegistry.Digest(Encoding.UTF8.GetBytes("abcdef"))));
    }

    [Fact]
    public async Task AManifest_ThatReferencesAnUnknownBlob_IsRejected_AndAKnownOneIsServedWithItsMediaType()
    {
        var config = Encoding.UTF8.GetBytes("{}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = RegistryMediaTypes.OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["size"] = config.Length, ["digest"] = FakeRegistry.Digest(config) },
            ["layers"] = new JsonArray(),
        }.ToJsonString();

        using var unknown = await _http.PutAsync($"v2/{Repository}/manifests/1.0", Manifest(manifest, RegistryMediaTypes.OciManifest));
        await _http.PostAsync($"v2/{Repository}/blobs/uploads/?digest={FakeRegistry.Digest(config)}", new ByteArrayContent(config));
        using var mismatched = await _http.PutAsync($"v2/{Repository}/manifests/1.0", Manifest(manifest, RegistryMediaTypes.DockerManifest));
        using var accepted = await _http.PutAsync($"v2/{Repository}/manifests/1.0", Manifest(manifest, RegistryMediaTypes.OciManifest));
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/manifests/1.0"));
        using var missing = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/manifests/2.0"));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("MANIFEST_BLOB_UNKNOWN", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, mismatched.StatusCode);
        Assert.Contains("MANIFEST_INVALID", await mismatched.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(RegistryMediaTypes.OciManifest, head.Content.Headers.ContentType!.MediaType);
        Assert.Equal(FakeRegistry.Digest(Encoding.UTF8.GetBytes(manifest)), head.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(new FakeRegistryPush(Repository, "1.0", RegistryMediaTypes.OciManifest, FakeRegistry.Digest(Encoding.UTF8.GetBytes(manifest))), Assert.Single(_registry.Pushes));
    }

    private static ByteArrayContent Chunk(string text, int start)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + text.Length - 1}");
        return content;
    }

    private static StringContent Manifest(string json, string mediaType) => new(json, new MediaTypeHeaderValue(mediaType));
}
