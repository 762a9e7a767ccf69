namespace VllmAspire.MetricsAdapterShim;

/// <summary>Who is calling, as kube-apiserver's front proxy asserted it.</summary>
/// <param name="User">The user name.</param>
/// <param name="Groups">The groups, <c>system:authenticated</c> included.</param>
/// <param name="Extra">Extra attributes (keys lower-case), e.g. the service account's credential id.</param>
internal sealed record CallerIdentity(string User, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);
