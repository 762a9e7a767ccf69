using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace VllmAspire.Provisioner.Gcp.Container;

/// <summary>
/// GKE (Container v1) node pools over REST (reference/gcp.md §1), in the <c>projects.locations</c> form; operations
/// have no <c>wait</c>, so they are polled with <c>operations.get</c>.
/// </summary>
/// <param name="http">The HttpClient, based at the Container endpoint.</param>
/// <param name="options">Timeouts and the poll interval.</param>
/// <param name="time">The clock for polling and deadlines.</param>
internal sealed class ContainerClient(HttpClient http, IOptions<GcpOptions> options, TimeProvider time) : GoogleApiClient(http)
{
    /// <summary>Gets a node pool, or <see langword="null"/> if it does not exist.</summary>
    /// <param name="cluster">The cluster, <c>projects/p/locations/l/clusters/c</c>.</param>
    /// <param name="pool">The pool's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pool or <see langword="null"/>.</returns>
    public Task<NodePool?> GetNodePoolAsync(string cluster, string pool, CancellationToken cancellationToken) =>
        GetOrDefaultAsync<NodePool>($"v1/{cluster}/nodePools/{pool}", $"{cluster}/nodePools/{pool}", cancellationToken);

    /// <summary>Lists a cluster's node pools.</summary>
    /// <param name="cluster">The cluster, <c>projects/p/locations/l/clusters/c</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pools.</returns>
    public async Task<IReadOnlyList<NodePool>> ListNodePoolsAsync(string cluster, CancellationToken cancellationToken) =>
        (await SendAsync<NodePoolList>(HttpMethod.Get, $"v1/{cluster}/nodePools", null, cluster, cancellationToken).ConfigureAwait(false)).NodePools ?? [];

    /// <summary>Starts creating a node pool.</summary>
    /// <param name="cluster">The cluster, <c>projects/p/locations/l/clusters/c</c>.</param>
    /// <param name="request">The <c>CreateNodePoolRequest</c>, <c>{"nodePool":{…}}</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The operation.</returns>
    public Task<ContainerOperation> CreateNodePoolAsync(string cluster, JsonObject request, CancellationToken cancellationToken) =>
        SendAsync<ContainerOperation>(HttpMethod.Post, $"v1/{cluster}/nodePools", request, $"{cluster}/nodePools/{(string?)request["nodePool"]?["name"]}", cancellationToken);

    /// <summary>Starts deleting a node pool, or answers <see langword="null"/> when it is already gone.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="pool">The pool's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The operation or <see langword="null"/>.</returns>
    public async Task<ContainerOperation?> DeleteNodePoolAsync(string cluster, string pool, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync<ContainerOperation>(HttpMethod.Delete, $"v1/{cluster}/nodePools/{pool}", null, $"{cluster}/nodePools/{pool}", cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex) when (ex.Error.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Polls an operation with <c>operations.get</c> until it is DONE, and throws if it failed.</summary>
    /// <param name="cluster">The cluster the operation runs on, <c>projects/p/locations/l/clusters/c</c>.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="resource">The object the operation is about, for messages.</param>
    /// <param name="progress">Where to report the status, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The finished operation.</returns>
    /// <exception cref="GcpApiException">The operation failed or did not finish before <see cref="GcpOptions.OperationTimeout"/>.</exception>
    public async Task<ContainerOperation> WaitAsync(string cluster, ContainerOperation operation, string resource, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var location = cluster[..cluster.IndexOf("/clusters/", StringComparison.Ordinal)];
        var timeout = options.Value.OperationTimeout;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (operation.Status != "DONE")
            {
                progress?.Report($"{operation.OperationType} {resource}: {operation.Status}");
                await Task.Delay(options.Value.ContainerPollInterval, time, linked.Token).ConfigureAwait(false);
                operation = await SendAsync<ContainerOperation>(HttpMethod.Get, $"v1/{location}/operations/{operation.Name}", null, resource, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new GcpApiException(resource, new GcpApiError(0, "DEADLINE_EXCEEDED", null, $"operation {operation.Name} ({operation.OperationType}) did not finish within {timeout}"), ex);
        }

        if (operation.Error is { } error)
        {
            throw new GcpApiException(resource, new GcpApiError(0, RpcCodeName(error.Code), null, $"operation {operation.Name} ({operation.OperationType}) failed: {error.Message ?? operation.StatusMessage}"));
        }

        return operation;
    }

    // google.rpc.Code numbers to names, so messages and hints read like the API's status field.
    private static string RpcCodeName(int code) => code switch
    {
        3 => "INVALID_ARGUMENT",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        _ => $"code {code}",
    };
}
