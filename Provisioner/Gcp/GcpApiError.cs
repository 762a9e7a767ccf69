using System.Net;
using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>
/// An error answer of a Google API, parsed from its body: <c>{"error":{"code","message","status","errors":[{"reason"}],
/// "details":[{"@type":"…ErrorInfo","reason"}]}}</c>. Compute fills <c>errors[].reason</c> (e.g. <c>alreadyExists</c>);
/// Container and Resource Manager fill <c>status</c> (e.g. <c>FAILED_PRECONDITION</c>) and an ErrorInfo reason.
/// </summary>
/// <param name="HttpStatus">The HTTP status code (for a failed operation, its <c>httpErrorStatusCode</c> or 0).</param>
/// <param name="Status">The canonical status, e.g. <c>ALREADY_EXISTS</c>, if given.</param>
/// <param name="Reason">The first reason, e.g. <c>alreadyExists</c> or <c>CLUSTER_ALREADY_HAS_OPERATION</c>, if given.</param>
/// <param name="Message">The API's message.</param>
internal sealed record GcpApiError(int HttpStatus, string? Status, string? Reason, string Message)
{
    /// <summary>Parses an error body; a body that is not Google's envelope becomes the message as it is.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The response body.</param>
    /// <returns>The error.</returns>
    public static GcpApiError Parse(HttpStatusCode status, string body)
    {
        JsonNode? error = null;
        try
        {
            error = JsonNode.Parse(body)?["error"];
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a proxy's HTML page, say): keep the text.
        }

        if (error is not JsonObject e)
        {
            var text = body.Length > 300 ? body[..300] + "…" : body;
            return new((int)status, null, null, string.IsNullOrWhiteSpace(text) ? status.ToString() : text.Trim());
        }

        var details = e["details"] as JsonArray ?? [];
        var reason = (string?)e["errors"]?[0]?["reason"] ?? details.Select(d => (string?)d?["reason"]).FirstOrDefault(r => r is not null);
        var service = details.Select(d => (string?)d?["metadata"]?["service"]).FirstOrDefault(s => s is not null);
        return new((int)status, (string?)e["status"], reason, (string?)e["message"] ?? status.ToString()) { Service = service };
    }

    /// <summary>Gets the API an ErrorInfo names (<c>details[].metadata.service</c>), e.g. <c>compute.googleapis.com</c> when it is disabled.</summary>
    public string? Service { get; init; }

    /// <summary>Gets a value indicating whether the error is a cluster that is busy with another operation (retryable).</summary>
    public bool IsClusterBusy =>
        Reason == "CLUSTER_ALREADY_HAS_OPERATION" ||
        HttpStatus == 400 && Status == "FAILED_PRECONDITION" && Message.Contains("CLUSTER_ALREADY_HAS_OPERATION", StringComparison.Ordinal);

    /// <summary>Gets a value indicating whether the API said the object does not exist.</summary>
    public bool IsNotFound => HttpStatus == 404;

    /// <summary>Gets a value indicating whether the API said an object of that name exists already.</summary>
    public bool IsAlreadyExists => HttpStatus == 409 && (Reason is "alreadyExists" || Status is "ALREADY_EXISTS");

    /// <summary>Gets a value indicating whether a read-modify-write lost against a concurrent change (IAM etag mismatch).</summary>
    public bool IsConcurrentChange => HttpStatus == 409 && Status is "ABORTED";

    /// <summary>Gets the status and reason as the user sees them, e.g. <c>409 ALREADY_EXISTS (alreadyExists): …</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var code = HttpStatus == 0 ? "" : $"{HttpStatus} ";
        var what = string.Join(" ", new[] { Status, Reason is null ? null : $"({Reason})" }.Where(s => s is not null));
        return $"{code}{what}".Trim() + ": " + Message.TrimEnd('.', ' ');
    }
}
