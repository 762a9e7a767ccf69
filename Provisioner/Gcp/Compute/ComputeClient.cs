using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>
/// Compute Engine v1 over REST (reference/gcp.md §2): disks, images and instances by resource path (e.g.
/// <c>projects/p/zones/z/disks/d</c>), and operations waited for with <c>wait</c> in a loop in the operation's scope.
/// </summary>
/// <param name="http">The HttpClient, based at the Compute endpoint.</param>
/// <param name="options">Timeouts.</param>
/// <param name="time">The clock for operation deadlines.</param>
internal sealed class ComputeClient(HttpClient http, IOptions<GcpOptions> options, TimeProvider time) : GoogleApiClient(http)
{
    /// <summary>Gets a disk, image or instance, or <see langword="null"/> if it does not exist.</summary>
    /// <param name="resourcePath">E.g. <c>projects/p/zones/z/disks/d</c> or <c>projects/p/global/images/i</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The object or <see langword="null"/>.</returns>
    public Task<ComputeResource?> GetAsync(string resourcePath, CancellationToken cancellationToken) =>
        GetOrDefaultAsync<ComputeResource>(resourcePath, resourcePath, cancellationToken);

    /// <summary>Lists a collection, following pages.</summary>
    /// <param name="collectionPath">E.g. <c>projects/p/zones/z/disks</c>.</param>
    /// <param name="filter">A Compute filter such as <c>labels.managed-by = "vllm-aspire"</c>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The objects.</returns>
    public async Task<IReadOnlyList<ComputeResource>> ListAsync(string collectionPath, string? filter, CancellationToken cancellationToken)
    {
        var items = new List<ComputeResource>();
        string? pageToken = null;
        do
        {
            var query = new List<string>();
            if (filter is not null)
            {
                query.Add("filter=" + Uri.EscapeDataString(filter));
            }

            if (pageToken is not null)
            {
                query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
            }

            var url = query.Count == 0 ? collectionPath : $"{collectionPath}?{string.Join('&', query)}";
            var page = await SendAsync<ComputeList>(HttpMethod.Get, url, null, collectionPath, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items ?? []);
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken));

        return items;
    }

    /// <summary>Starts an insert: POSTs the body to the collection; the query carries the <c>requestId</c> that makes a retry idempotent.</summary>
    /// <param name="collectionPathAndQuery">E.g. <c>projects/p/zones/z/disks?requestId=…</c>.</param>
    /// <param name="body">The object to create.</param>
    /// <param name="resource">The object's path, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The operation.</returns>
    public Task<ComputeOperation> InsertAsync(string collectionPathAndQuery, JsonObject body, string resource, CancellationToken cancellationToken) =>
        SendAsync<ComputeOperation>(HttpMethod.Post, collectionPathAndQuery, body, resource, cancellationToken);

    /// <summary>Starts a delete, or answers <see langword="null"/> when the object is already gone.</summary>
    /// <param name="resourcePath">The object.</param>
    /// <param name="requestId">The idempotency key of this delete (retries of the call reuse it).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The operation, or <see langword="null"/>.</returns>
    public async Task<ComputeOperation?> DeleteAsync(string resourcePath, Guid requestId, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync<ComputeOperation>(HttpMethod.Delete, $"{resourcePath}?requestId={requestId}", null, resourcePath, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex) when (ex.Error.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Reads serial port 1 from an offset.</summary>
    /// <param name="instancePath">The instance, <c>projects/p/zones/z/instances/i</c>.</param>
    /// <param name="start">The offset (the previous answer's <c>next</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output from <paramref name="start"/> on.</returns>
    public Task<SerialPortOutput> GetSerialPortOutputAsync(string instancePath, long start, CancellationToken cancellationToken) =>
        SendAsync<SerialPortOutput>(HttpMethod.Get, $"{instancePath}/serialPort?port=1&start={start.ToString(CultureInfo.InvariantCulture)}", null, instancePath, cancellationToken);

    /// <summary>
    /// Waits until the operation is DONE, calling <c>wait</c> (which returns after at most about 2 minutes, or
    /// earlier) in a loop in the operation's zone, region or global scope, and throws if it failed.
    /// </summary>
    /// <param name="project">The project.</param>
    /// <param name="operation">The operation as returned by the insert or delete.</param>
    /// <param name="resource">The object the operation is about, for messages.</param>
    /// <param name="progress">Where to report the operation's status, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The finished operation.</returns>
    /// <exception cref="GcpApiException">The operation failed or did not finish before <see cref="GcpOptions.OperationTimeout"/>.</exception>
    public async Task<ComputeOperation> WaitAsync(string project, ComputeOperation operation, string resource, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var timeout = options.Value.OperationTimeout;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var scope = operation.Zone is { } zone ? $"zones/{LastSegment(zone)}"
            : operation.Region is { } region ? $"regions/{LastSegment(region)}"
            : "global";
        try
        {
            while (!operation.IsDone)
            {
                progress?.Report($"{operation.OperationType} {resource}: {operation.Status} {operation.Progress ?? 0}%");
                operation = await SendAsync<ComputeOperation>(HttpMethod.Post, $"projects/{project}/{scope}/operations/{operation.Name}/wait", null, resource, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new GcpApiException(resource, new GcpApiError(0, "DEADLINE_EXCEEDED", null, $"operation {operation.Name} ({operation.OperationType}) did not finish within {timeout}"), ex);
        }

        if (operation.Error is { Errors.Count: > 0 } error)
        {
            var first = error.Errors[0];
            var message = string.Join("; ", error.Errors.Select(e => e.Message ?? e.Code));
            throw new GcpApiException(resource, new GcpApiError(operation.HttpErrorStatusCode ?? 0, first.Code, null, $"operation {operation.Name} ({operation.OperationType}) failed: {message}"));
        }

        return operation;
    }

    private static string LastSegment(string url) => url.TrimEnd('/')[(url.TrimEnd('/').LastIndexOf('/') + 1)..];
}
