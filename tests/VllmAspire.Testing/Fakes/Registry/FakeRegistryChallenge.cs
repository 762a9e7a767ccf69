namespace VllmAspire.Testing.Fakes.Registry;

/// <summary>Which authentication challenge the fake registry answers an anonymous request with.</summary>
public enum FakeRegistryChallenge
{
    /// <summary>
    /// <c>WWW-Authenticate: Bearer realm=…,service=…,scope=…</c>: the client fetches a token from the realm with its
    /// Basic credentials (the Docker token flow). Basic credentials are accepted directly too, as Artifact Registry does.
    /// </summary>
    Bearer,

    /// <summary><c>WWW-Authenticate: Basic realm=…</c>: the client sends its Basic credentials with every request.</summary>
    Basic,
}
