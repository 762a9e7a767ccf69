namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A value that has a placeholder form for publishing, such as <c>{vllm.bindings.http.url}</c>.</summary>
public interface IManifestExpressionProvider
{
    /// <summary>Gets the placeholder expression.</summary>
    string ValueExpression { get; }
}
