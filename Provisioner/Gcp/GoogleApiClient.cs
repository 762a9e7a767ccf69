using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>
/// The part every Google REST client shares: JSON in and out, and error bodies parsed into <see cref="GcpApiException"/>.
/// Retries and the bearer token are handlers of the underlying <see cref="HttpClient"/>.
/// </summary>
/// <param name="http">The typed client's HttpClient; its base address is the API's endpoint.</param>
internal abstract class GoogleApiClient(HttpClient http)
{
    /// <summary>Sends a request and reads the JSON answer.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUrl">The path (and query) relative to the endpoint, without a leading slash.</param>
    /// <param name="body">The JSON body, or <see langword="null"/> for none.</param>
    /// <param name="resource">The object the call is about, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="GcpApiException">The API answered with an error.</exception>
    protected async Task<T> SendAsync<T>(HttpMethod method, string relativeUrl, JsonNode? body, string resource, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, relativeUrl);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: GcpJson.Options);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new GcpApiException(resource, GcpApiError.Parse(response.StatusCode, text));
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(GcpJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new GcpApiException(resource, new GcpApiError((int)response.StatusCode, null, null, $"the answer to {method} {relativeUrl} is not the expected JSON ({ex.Message})"), ex);
        }
    }

    /// <summary>Gets an object, or <see langword="null"/> when the API answers 404.</summary>
    /// <typeparam name="T">The object's type.</typeparam>
    /// <param name="relativeUrl">The path relative to the endpoint.</param>
    /// <param name="resource">The object, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The object, or <see langword="null"/> if it does not exist.</returns>
    protected async Task<T?> GetOrDefaultAsync<T>(string relativeUrl, string resource, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await SendAsync<T>(HttpMethod.Get, relativeUrl, null, resource, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex) when (ex.Error.HttpStatus == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
