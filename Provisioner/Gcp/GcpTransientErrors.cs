using System.Net;
using Polly.Timeout;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>Which answers of a Google API are worth retrying (reference/gcp.md §8.4).</summary>
internal static class GcpTransientErrors
{
    /// <summary>Decides whether an attempt's outcome is transient: 429, 5xx, a network error or attempt timeout, or a GKE cluster busy with another operation.</summary>
    /// <param name="response">The response, if there was one.</param>
    /// <param name="exception">The exception, if the attempt threw.</param>
    /// <returns><see langword="true"/> to retry.</returns>
    public static async ValueTask<bool> IsTransientAsync(HttpResponseMessage? response, Exception? exception)
    {
        if (exception is HttpRequestException or TimeoutRejectedException)
        {
            return true;
        }

        if (response is null)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status == (int)HttpStatusCode.TooManyRequests || status >= 500)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return false;
        }

        // GKE answers 400 FAILED_PRECONDITION when the cluster runs an incompatible operation; that passes.
        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return GcpApiError.Parse(response.StatusCode, body).IsClusterBusy;
    }
}
