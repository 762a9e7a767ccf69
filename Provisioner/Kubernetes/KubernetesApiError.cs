using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>Turns the API server's Status answers into errors that name the object, the reason and what to do.</summary>
internal static class KubernetesApiError
{
    /// <summary>Gets the HTTP status of a failed call.</summary>
    /// <param name="exception">The client's exception.</param>
    /// <returns>The status code.</returns>
    public static HttpStatusCode StatusOf(HttpOperationException exception) => exception.Response.StatusCode;

    /// <summary>Builds the permanent error for a failed call.</summary>
    /// <param name="resource">The object, e.g. <c>kubernetes/Deployment/vllm/vllm</c>.</param>
    /// <param name="verb">What we tried, e.g. <c>apply</c>.</param>
    /// <param name="exception">The client's exception.</param>
    /// <returns>The error to throw.</returns>
    public static ProvisioningException ToProvisioningException(string resource, string verb, HttpOperationException exception)
    {
        var code = exception.Response.StatusCode;
        V1Status? status = null;
        try
        {
            status = string.IsNullOrEmpty(exception.Response.Content) ? null : KubernetesJson.Deserialize<V1Status>(exception.Response.Content);
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy's HTML page, for one): the raw text is reported below.
        }

        var message = status?.Message ?? exception.Response.Content ?? exception.Message;
        var reason = $"{verb} failed: {(int)code} {code} ({status?.Reason ?? "no reason"}): {message}";
        var fix = code switch
        {
            HttpStatusCode.Unauthorized => "the cluster credentials are missing or expired: run `gcloud container clusters get-credentials CLUSTER --location LOCATION` or set KUBECONFIG",
            HttpStatusCode.Forbidden => "the deploying identity lacks RBAC rights for this object: grant them (e.g. roles/container.admin) or check with `kubectl auth can-i`",
            HttpStatusCode.NotFound => "the API server does not serve this kind: check the cluster version, and for PodMonitoring enable Managed Prometheus on the cluster",
            HttpStatusCode.Conflict => "another field manager owns these fields: remove that manager's changes or let vllm-aspire own the object",
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => "the published manifest is not valid for this cluster: fix the app model and publish again",
            _ => "retry later; if it persists, check the API server's health",
        };
        return new ProvisioningException(resource, reason, fix, exception);
    }
}
