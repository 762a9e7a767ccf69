namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>An operation error a test injects for one resource.</summary>
/// <param name="Code">The error code, e.g. <c>QUOTA_EXCEEDED</c> (Compute) or <c>RESOURCE_EXHAUSTED</c> (Container).</param>
/// <param name="Message">The message.</param>
/// <param name="HttpStatus">The HTTP status Compute reports in <c>httpErrorStatusCode</c>.</param>
public sealed record FakeOperationFailure(string Code, string Message, int HttpStatus = 403);
