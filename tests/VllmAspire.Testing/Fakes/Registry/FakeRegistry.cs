using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Testing.Fakes.Registry;

/// <summary>
/// A fake OCI distribution registry (the Docker Registry HTTP API v2 that Artifact Registry serves), in-process on a
/// loopback port and plain HTTP (the .NET SDK treats <c>localhost:port</c> as an insecure registry and falls back to
/// HTTP). Every endpoint but the token endpoint answers 401 with a <c>WWW-Authenticate</c> challenge unless the request
/// carries <see cref="Username"/>/<see cref="Password"/> as Basic credentials or a token issued for them. It serves
/// blob HEAD/GET, monolithic, chunked and cross-repository-mount blob uploads with digest verification, and manifest
/// PUT/HEAD/GET of OCI and Docker media types, rejecting what the distribution spec says a registry rejects.
/// </summary>
public sealed partial class FakeRegistry : IAsyncDisposable
{
    /// <summary>The user name Artifact Registry expects with an OAuth access token as the password.</summary>
    public const string Username = "oauth2accesstoken";

    /// <summary>
    /// The only password (access token) the fake accepts: the fake Google APIs' token, since deploy authenticates to
    /// Artifact Registry with the same OAuth access token it uses for the Google APIs.
    /// </summary>
    public const string Password = Gcp.FakeGcp.AccessToken;

    private const string TokenPath = "/v2/token";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _repositoryBlobs = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Repository, string Reference), StoredManifest> _manifests = [];
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly List<FakeRegistryRequest> _requests = [];
    private readonly List<FakeRegistryPush> _pushes = [];
    private int _failuresLeft;
    private WebApplication? _app;

    private FakeRegistry(FakeRegistryChallenge challenge)
    {
        Challenge = challenge;
    }

    /// <summary>Gets the challenge anonymous requests receive.</summary>
    public FakeRegistryChallenge Challenge { get; }

    /// <summary>Gets the registry's name as image references use it, e.g. <c>localhost:5123</c>.</summary>
    public string Host { get; private set; } = "";

    /// <summary>Gets every request received so far.</summary>
    public IReadOnlyList<FakeRegistryRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets every manifest accepted so far, in order.</summary>
    public IReadOnlyList<FakeRegistryPush> Pushes
    {
        get
        {
            lock (_gate)
            {
                return [.. _pushes];
            }
        }
    }

    /// <summary>Starts a fake registry on a loopback port.</summary>
    /// <param name="challenge">The challenge anonymous requests receive.</param>
    /// <returns>The running registry.</returns>
    public static async Task<FakeRegistry> StartAsync(FakeRegistryChallenge challenge = FakeRegistryChallenge.Bearer)
    {
        var registry = new FakeRegistry(challenge);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(registry.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        registry.Host = $"localhost:{address.Port}";
        registry._app = app;
        return registry;
    }

    /// <summary>
    /// Stores a minimal single-platform base image for this machine's architecture (a Docker v2 manifest, a config with
    /// the environment the .NET images set, and one small gzipped tar layer), as a base for <c>PublishContainer</c>.
    /// </summary>
    /// <param name="repository">The repository, e.g. <c>dotnet/aspnet</c>.</param>
    /// <param name="tag">The tag, e.g. <c>10.0</c>.</param>
    /// <returns>The image reference, e.g. <c>localhost:5123/dotnet/aspnet:10.0</c>.</returns>
    public string SeedBaseImage(string repository, string tag)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/"));
            var release = new PaxTarEntry(TarEntryType.RegularFile, "etc/fake-base-release")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"fake base image {repository}:{tag}\n")),
            };
            writer.WriteEntry(release);
        }

        var layer = new MemoryStream();
        using (var gzip = new GZipStream(layer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        var layerBytes = layer.ToArray();
        var architecture = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"),
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digest(tar.ToArray())) },
            ["history"] = new JsonArray(new JsonObject { ["created_by"] = "fake base image layer" }),
        };
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = RegistryMediaTypes.DockerManifest,
            ["config"] = new JsonObject { ["mediaType"] = RegistryMediaTypes.DockerConfig, ["size"] = configBytes.Length, ["digest"] = Digest(configBytes) },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = RegistryMediaTypes.DockerLayer, ["size"] = layerBytes.Length, ["digest"] = Digest(layerBytes) }),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        lock (_gate)
        {
            StoreBlob(repository, configBytes);
            StoreBlob(repository, layerBytes);
            var stored = new StoredManifest(manifestBytes, RegistryMediaTypes.DockerManifest, Digest(manifestBytes));
            _manifests[(repository, tag)] = stored;
            _manifests[(repository, stored.Digest)] = stored;
        }

        return $"{Host}/{repository}:{tag}";
    }

    /// <summary>Answers the next requests with 429 <c>TOOMANYREQUESTS</c>, as a registry does under rate limiting.</summary>
    /// <param name="count">How many requests fail.</param>
    public void FailNextRequests(int count)
    {
        lock (_gate)
        {
            _failuresLeft = count;
        }
    }

    /// <summary>Gets a manifest by tag or digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <returns>The manifest, or <see langword="null"/> if there is none.</returns>
    public JsonObject? Manifest(string repository, string reference)
    {
        lock (_gate)
        {
            return _manifests.TryGetValue((repository, reference), out var m) ? JsonNode.Parse(m.Body)!.AsObject() : null;
        }
    }

    /// <summary>Gets a blob the repository holds.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <returns>The content, or <see langword="null"/> if the repository does not hold it.</returns>
    public byte[]? Blob(string repository, string digest)
    {
        lock (_gate)
        {
            return _repositoryBlobs.TryGetValue(repository, out var held) && held.Contains(digest) ? _blobs[digest] : null;
        }
    }

    /// <summary>Computes a content digest as registries write it.</summary>
    /// <param name="content">The content.</param>
    /// <returns><c>sha256:</c> and the lowercase hex SHA-256.</returns>
    public static string Digest(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    [GeneratedRegex(@"^/v2/(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)/(?:(?<uploads>blobs/uploads/)(?<uuid>[^/]*)|blobs/(?<digest>[^/]+)|manifests/(?<reference>[^/]+))$")]
    private static partial Regex RoutePattern();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^(?<start>[0-9]+)-(?<end>[0-9]+)$")]
    private static partial Regex ContentRangePattern();

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task ErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var body = new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) };
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private void StoreBlob(string repository, byte[] content)
    {
        var digest = Digest(content);
        _blobs[digest] = content;
        Link(repository, digest);
    }

    private void Link(string repository, string digest)
    {
        if (!_repositoryBlobs.TryGetValue(repository, out var held))
        {
            _repositoryBlobs[repository] = held = new HashSet<string>(StringComparer.Ordinal);
        }

        held.Add(digest);
    }

    private bool Holds(string repository, string digest) => _repositoryBlobs.TryGetValue(repository, out var held) && held.Contains(digest);

    private async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var authorization = http.Request.Headers.Authorization.ToString();
        var record = new FakeRegistryRequest(http.Request.Method, http.Request.Path + http.Request.QueryString, authorization.Split(' ', 2)[0]);
        lock (_gate)
        {
            _requests.Add(record);
        }

        bool fail;
        lock (_gate)
        {
            fail = _failuresLeft > 0 && _failuresLeft-- > 0;
        }

        try
        {
            if (fail)
            {
                await ErrorAsync(http, 429, "TOOMANYREQUESTS", "too many requests").ConfigureAwait(false);
                return;
            }

            await RouteAsync(http, authorization).ConfigureAwait(false);
        }
        finally
        {
            record.StatusCode = http.Response.StatusCode;
        }
    }

    private async Task RouteAsync(HttpContext http, string authorization)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path == TokenPath)
        {
            await TokenAsync(http, authorization).ConfigureAwait(false);
            return;
        }

        var route = RoutePattern().Match(path);
        if (!IsAuthorized(authorization))
        {
            var scope = route.Success ? $"repository:{route.Groups["name"].Value}:{(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? "pull" : "pull,push")}" : null;
            http.Response.Headers.WWWAuthenticate = Challenge == FakeRegistryChallenge.Basic
                ? $"Basic realm=\"{Host}\""
                : $"Bearer realm=\"http://{Host}{TokenPath}\",service=\"{Host}\"" + (scope is null ? "" : $",scope=\"{scope}\"");
            await ErrorAsync(http, 401, "UNAUTHORIZED", "authentication required").ConfigureAwait(false);
            return;
        }

        if (path == "/v2/" || path == "/v2")
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{}", http.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!route.Success)
        {
            await ErrorAsync(http, 404, "NAME_INVALID", $"invalid repository name or path {path}").ConfigureAwait(false);
            return;
        }

        var name = route.Groups["name"].Value;
        var method = http.Request.Method;
        if (route.Groups["uploads"].Success)
        {
            var uuid = route.Groups["uuid"].Value;
            await (uuid.Length == 0
                ? (HttpMethods.IsPost(method) ? StartUploadAsync(http, name) : UnsupportedAsync(http))
                : method switch
                {
                    "PATCH" => PatchUploadAsync(http, name, uuid),
                    "PUT" => CompleteUploadAsync(http, name, uuid),
                    "GET" => UploadStatusAsync(http, name, uuid),
                    "DELETE" => CancelUploadAsync(http, name, uuid),
                    _ => UnsupportedAsync(http),
                }).ConfigureAwait(false);
        }
        else if (route.Groups["digest"].Success)
        {
            await (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? GetBlobAsync(http, name, route.Groups["digest"].Value) : UnsupportedAsync(http)).ConfigureAwait(false);
        }
        else
        {
            var reference = route.Groups["reference"].Value;
            await (method switch
            {
                "PUT" => PutManifestAsync(http, name, reference),
                "GET" or "HEAD" => GetManifestAsync(http, name, reference),
                _ => UnsupportedAsync(http),
            }).ConfigureAwait(false);
        }
    }

    private bool IsAuthorized(string authorization)
    {
        if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return IsValidBasic(authorization);
        }

        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            lock (_gate)
            {
                return _tokens.Contains(authorization["Bearer ".Length..]);
            }
        }

        return false;
    }

    private static bool IsValidBasic(string authorization)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            return pair == $"{Username}:{Password}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task TokenAsync(HttpContext http, string authorization)
    {
        // The Docker token flow: GET with Basic credentials, or the OAuth2 password grant as a form POST.
        bool valid;
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            valid = form["grant_type"] == "password" && form["username"] == Username && form["password"] == Password;
        }
        else
        {
            valid = HttpMethods.IsGet(http.Request.Method) && authorization.StartsWith("Basic ", StringComparison.Ordinal) && IsValidBasic(authorization);
        }

        if (!valid)
        {
            await ErrorAsync(http, 401, "UNAUTHORIZED", "invalid username or password").ConfigureAwait(false);
            return;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _tokens.Add(token);
        }

        http.Response.ContentType = "application/json";
        var body = new JsonObject { ["token"] = token, ["access_token"] = token, ["expires_in"] = 300, ["issued_at"] = DateTimeOffset.UtcNow.ToString("O") };
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private static Task UnsupportedAsync(HttpContext http) =>
        ErrorAsync(http, 405, "UNSUPPORTED", $"the operation {http.Request.Method} {http.Request.Path} is unsupported");

    private async Task GetBlobAsync(HttpContext http, string name, string digest)
    {
        byte[]? content;
        lock (_gate)
        {
            content = Holds(name, digest) ? _blobs[digest] : null;
        }

        if (content is null)
        {
            await ErrorAsync(http, 404, "BLOB_UNKNOWN", $"blob unknown to registry: {digest}").ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/octet-stream";
        http.Response.ContentLength = content.Length;
        http.Response.Headers["Docker-Content-Digest"] = digest;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(content, http.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task StartUploadAsync(HttpContext http, string name)
    {
        var query = http.Request.Query;
        var mount = query["mount"].ToString();
        if (mount.Length > 0)
        {
            lock (_gate)
            {
                if (Holds(query["from"].ToString(), mount))
                {
                    Link(name, mount);
                    http.Response.StatusCode = 201;
                    http.Response.Headers.Location = $"/v2/{name}/blobs/{mount}";
                    http.Response.Headers["Docker-Content-Digest"] = mount;
                    return;
                }
            }

            // Not mountable: the spec has the registry fall back to an ordinary upload session.
        }

        var digest = query["digest"].ToString();
        if (digest.Length > 0)
        {
            await StoreVerifiedAsync(http, name, await ReadBodyAsync(http).ConfigureAwait(false), digest).ConfigureAwait(false);
            return;
        }

        var uuid = Guid.NewGuid().ToString();
        lock (_gate)
        {
            _uploads[uuid] = new Upload(name);
        }

        AnswerUploadState(http, 202, name, uuid, 0);
    }

    private Upload? FindUpload(string name, string uuid)
    {
        lock (_gate)
        {
            return _uploads.TryGetValue(uuid, out var upload) && upload.Repository == name ? upload : null;
        }
    }

    private async Task<Upload?> FindUploadOrAnswerAsync(HttpContext http, string name, string uuid)
    {
        var upload = FindUpload(name, uuid);
        if (upload is null)
        {
            await ErrorAsync(http, 404, "BLOB_UPLOAD_UNKNOWN", $"blob upload unknown to registry: {uuid}").ConfigureAwait(false);
        }

        return upload;
    }

    private static void AnswerUploadState(HttpContext http, int status, string name, string uuid, long length)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{uuid}";
        http.Response.Headers.Range = $"0-{Math.Max(0, length - 1)}";
        http.Response.Headers["Docker-Upload-UUID"] = uuid;
    }

    private async Task<bool> AppendAsync(HttpContext http, Upload upload, string uuid)
    {
        var chunk = await ReadBodyAsync(http).ConfigureAwait(false);
        var range = http.Request.Headers.ContentRange.ToString();
        lock (_gate)
        {
            if (range.Length > 0)
            {
                // A chunk must start where the upload ends and be as long as its range says; otherwise 416.
                var match = ContentRangePattern().Match(range);
                if (!match.Success || long.Parse(match.Groups["start"].Value) != upload.Content.Length
                    || long.Parse(match.Groups["end"].Value) - long.Parse(match.Groups["start"].Value) + 1 != chunk.Length)
                {
                    AnswerUploadState(http, 416, upload.Repository, uuid, upload.Content.Length);
                    return false;
                }
            }

            upload.Content.Write(chunk);
            return true;
        }
    }

    private async Task PatchUploadAsync(HttpContext http, string name, string uuid)
    {
        if (await FindUploadOrAnswerAsync(http, name, uuid).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        if (!await AppendAsync(http, upload, uuid).ConfigureAwait(false))
        {
            return;
        }

        AnswerUploadState(http, 202, name, uuid, upload.Content.Length);
    }

    private async Task CompleteUploadAsync(HttpContext http, string name, string uuid)
    {
        if (await FindUploadOrAnswerAsync(http, name, uuid).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        if (!await AppendAsync(http, upload, uuid).ConfigureAwait(false))
        {
            return;
        }

        lock (_gate)
        {
            _uploads.Remove(uuid);
        }

        await StoreVerifiedAsync(http, name, upload.Content.ToArray(), http.Request.Query["digest"].ToString()).ConfigureAwait(false);
    }

    private async Task StoreVerifiedAsync(HttpContext http, string name, byte[] content, string digest)
    {
        if (!DigestPattern().IsMatch(digest))
        {
            await ErrorAsync(http, 400, "DIGEST_INVALID", $"provided digest did not match uploaded content: '{digest}' is not a sha256 digest").ConfigureAwait(false);
            return;
        }

        var actual = Digest(content);
        if (actual != digest)
        {
            await ErrorAsync(http, 400, "DIGEST_INVALID", $"provided digest did not match uploaded content: expected {digest}, got {actual}").ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            StoreBlob(name, content);
        }

        http.Response.StatusCode = 201;
        http.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        http.Response.Headers["Docker-Content-Digest"] = digest;
    }

    private async Task UploadStatusAsync(HttpContext http, string name, string uuid)
    {
        if (await FindUploadOrAnswerAsync(http, name, uuid).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        AnswerUploadState(http, 204, name, uuid, upload.Content.Length);
    }

    private async Task CancelUploadAsync(HttpContext http, string name, string uuid)
    {
        bool removed;
        lock (_gate)
        {
            removed = FindUpload(name, uuid) is not null && _uploads.Remove(uuid);
        }

        if (!removed)
        {
            await ErrorAsync(http, 404, "BLOB_UPLOAD_UNKNOWN", $"blob upload unknown to registry: {uuid}").ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = 204;
    }

    private async Task PutManifestAsync(HttpContext http, string name, string reference)
    {
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim();
        var body = await ReadBodyAsync(http).ConfigureAwait(false);
        if (!RegistryMediaTypes.Manifests.Contains(mediaType))
        {
            await ErrorAsync(http, 400, "MANIFEST_INVALID", $"manifest invalid: unsupported Content-Type '{mediaType}'").ConfigureAwait(false);
            return;
        }

        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("null");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            await ErrorAsync(http, 400, "MANIFEST_INVALID", $"manifest invalid: {ex.Message}").ConfigureAwait(false);
            return;
        }

        var declared = manifest["mediaType"]?.GetValue<string>();
        if ((int?)manifest["schemaVersion"] != 2 || (declared is not null && declared != mediaType))
        {
            await ErrorAsync(http, 400, "MANIFEST_INVALID", $"manifest invalid: schemaVersion must be 2 and mediaType '{declared}' must match Content-Type '{mediaType}'").ConfigureAwait(false);
            return;
        }

        var digest = Digest(body);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && reference != digest)
        {
            await ErrorAsync(http, 400, "DIGEST_INVALID", $"provided digest did not match uploaded content: expected {reference}, got {digest}").ConfigureAwait(false);
            return;
        }

        bool complete;
        lock (_gate)
        {
            var isIndex = mediaType is RegistryMediaTypes.OciIndex or RegistryMediaTypes.DockerManifestList;
            var references = isIndex
                ? (manifest["manifests"] as JsonArray ?? []).Select(m => (string?)m?["digest"])
                : (manifest["layers"] as JsonArray ?? []).Select(l => (string?)l?["digest"]).Prepend((string?)manifest["config"]?["digest"]);
            complete = references.All(d => d is not null && (isIndex ? _manifests.ContainsKey((name, d)) : Holds(name, d)));
            if (complete)
            {
                var stored = new StoredManifest(body, mediaType, digest);
                _manifests[(name, reference)] = stored;
                _manifests[(name, digest)] = stored;
                _pushes.Add(new FakeRegistryPush(name, reference, mediaType, digest));
            }
        }

        if (!complete)
        {
            await ErrorAsync(http, 400, "MANIFEST_BLOB_UNKNOWN", "manifest references a blob or manifest unknown to the repository").ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = 201;
        http.Response.Headers.Location = $"/v2/{name}/manifests/{digest}";
        http.Response.Headers["Docker-Content-Digest"] = digest;
    }

    private async Task GetManifestAsync(HttpContext http, string name, string reference)
    {
        StoredManifest? stored;
        lock (_gate)
        {
            stored = _manifests.GetValueOrDefault((name, reference));
        }

        if (stored is null)
        {
            await ErrorAsync(http, 404, "MANIFEST_UNKNOWN", $"manifest unknown: {name}:{reference}").ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = stored.MediaType;
        http.Response.ContentLength = stored.Body.Length;
        http.Response.Headers["Docker-Content-Digest"] = stored.Digest;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(stored.Body, http.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed record StoredManifest(byte[] Body, string MediaType, string Digest);

    private sealed class Upload(string repository)
    {
        public string Repository { get; } = repository;

        public MemoryStream Content { get; } = new();
    }
}
