namespace VllmAspire.Testing.Fakes.Registry;

/// <summary>A manifest the fake registry accepted.</summary>
/// <param name="Repository">The repository, e.g. <c>my-project/vllm/vllm-aspire-provisioner</c>.</param>
/// <param name="Reference">The tag or digest it was pushed under.</param>
/// <param name="MediaType">The manifest's media type, from the request's <c>Content-Type</c>.</param>
/// <param name="Digest">The manifest's digest, e.g. <c>sha256:…</c>.</param>
public sealed record FakeRegistryPush(string Repository, string Reference, string MediaType, string Digest);
