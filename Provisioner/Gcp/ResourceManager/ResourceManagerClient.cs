using System.Text.Json;
using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Gcp.ResourceManager;

/// <summary>Cloud Resource Manager v1: a project's number and its IAM policy (reference/gcp.md §4).</summary>
/// <param name="http">The HttpClient, based at the Resource Manager endpoint.</param>
internal sealed class ResourceManagerClient(HttpClient http) : GoogleApiClient(http)
{
    /// <summary>Gets a project (for its number).</summary>
    /// <param name="projectId">The project ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project.</returns>
    public Task<Project> GetProjectAsync(string projectId, CancellationToken cancellationToken) =>
        SendAsync<Project>(HttpMethod.Get, $"v1/projects/{projectId}", null, $"projects/{projectId}", cancellationToken);

    /// <summary>Gets the project's IAM policy, asking for version 3 so conditional bindings come back intact.</summary>
    /// <param name="projectId">The project ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy with its etag.</returns>
    public Task<IamPolicy> GetIamPolicyAsync(string projectId, CancellationToken cancellationToken) =>
        SendAsync<IamPolicy>(HttpMethod.Post, $"v1/projects/{projectId}:getIamPolicy", new JsonObject { ["options"] = new JsonObject { ["requestedPolicyVersion"] = 3 } }, $"projects/{projectId}", cancellationToken);

    /// <summary>Writes the project's IAM policy; fails with 409 ABORTED when the etag no longer matches.</summary>
    /// <param name="projectId">The project ID.</param>
    /// <param name="policy">The whole policy, with the etag read before the change.</param>
    /// <param name="updateMask">The fields to write, e.g. <c>bindings,etag</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy as written.</returns>
    public Task<IamPolicy> SetIamPolicyAsync(string projectId, IamPolicy policy, string updateMask, CancellationToken cancellationToken) =>
        SendAsync<IamPolicy>(
            HttpMethod.Post,
            $"v1/projects/{projectId}:setIamPolicy",
            new JsonObject { ["policy"] = JsonSerializer.SerializeToNode(policy, GcpJson.Options), ["updateMask"] = updateMask },
            $"projects/{projectId}",
            cancellationToken);
}
