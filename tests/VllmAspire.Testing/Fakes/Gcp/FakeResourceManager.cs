using System.Globalization;
using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>
/// Fake Cloud Resource Manager v1 (reference/gcp.md §4): <c>projects.get</c> (with the number as an int64 string),
/// <c>getIamPolicy</c> and <c>setIamPolicy</c>. A write whose etag differs from the current one fails with 409 ABORTED,
/// as with a concurrent change; every successful write gets a new etag.
/// </summary>
public sealed class FakeResourceManager : FakeGcpApi
{
    private readonly Dictionary<string, long> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _policies = new(StringComparer.Ordinal);
    private long _etag = 1;

    /// <summary>Initializes a new instance of the <see cref="FakeResourceManager"/> class.</summary>
    /// <param name="host">The host.</param>
    /// <param name="discovery">cloudresourcemanager.v1.json.</param>
    internal FakeResourceManager(FakeGcp host, DiscoveryDocument discovery)
        : base(host, "crm/", discovery)
    {
        Map("GET", "v1/projects/(?<project>[^/:]+)", "cloudresourcemanager.projects.get", GetProject);
        Map("POST", "v1/projects/(?<project>[^/:]+):getIamPolicy", "cloudresourcemanager.projects.getIamPolicy", GetPolicy);
        Map("POST", "v1/projects/(?<project>[^/:]+):setIamPolicy", "cloudresourcemanager.projects.setIamPolicy", SetPolicy);
    }

    /// <summary>Registers a project with an empty policy.</summary>
    /// <param name="projectId">The project ID.</param>
    /// <param name="projectNumber">The project number.</param>
    public void AddProject(string projectId, long projectNumber)
    {
        lock (Host.Gate)
        {
            _projects[projectId] = projectNumber;
            _policies[projectId] = new JsonObject { ["version"] = 1, ["etag"] = NextEtag(), ["bindings"] = new JsonArray() };
        }
    }

    /// <summary>Gets a copy of a project's policy.</summary>
    /// <param name="projectId">The project ID.</param>
    /// <returns>The policy.</returns>
    public JsonObject Policy(string projectId)
    {
        lock (Host.Gate)
        {
            return (JsonObject)_policies[projectId].DeepClone();
        }
    }

    /// <summary>Changes a policy as someone else would (new etag), e.g. between our read and our write.</summary>
    /// <param name="projectId">The project ID.</param>
    /// <param name="change">The change.</param>
    public void ChangePolicy(string projectId, Action<JsonObject> change)
    {
        lock (Host.Gate)
        {
            change(_policies[projectId]);
            _policies[projectId]["etag"] = NextEtag();
        }
    }

    /// <inheritdoc />
    internal override void Advance(DateTimeOffset now)
    {
        // Resource Manager calls here are synchronous.
    }

    // CRM answers 403 for a project that does not exist or that the caller may not see.
    private static FakeResult Denied(string project) =>
        GoogleErrorBodies.Rpc(403, "PERMISSION_DENIED", $"The caller does not have permission on projects/{project}", "IAM_PERMISSION_DENIED", "cloudresourcemanager.googleapis.com");

    private string NextEtag() => Convert.ToBase64String(BitConverter.GetBytes(_etag++));

    private FakeResult GetProject(FakeCall call) => _projects.TryGetValue(call["project"], out var number)
        ? FakeResult.Ok(new JsonObject
        {
            ["projectNumber"] = number.ToString(CultureInfo.InvariantCulture),
            ["projectId"] = call["project"],
            ["lifecycleState"] = "ACTIVE",
            ["name"] = call["project"],
            ["createTime"] = "2024-01-01T00:00:00Z",
        })
        : Denied(call["project"]);

    private FakeResult GetPolicy(FakeCall call) =>
        _policies.TryGetValue(call["project"], out var policy) ? FakeResult.Ok(policy.DeepClone()) : Denied(call["project"]);

    private FakeResult SetPolicy(FakeCall call)
    {
        if (!_policies.TryGetValue(call["project"], out var current))
        {
            return Denied(call["project"]);
        }

        var policy = (JsonObject)call.Body!["policy"]!.DeepClone();
        if ((string?)policy["etag"] is { } etag && etag != (string?)current["etag"])
        {
            return GoogleErrorBodies.Rpc(409, "ABORTED", "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.");
        }

        foreach (var binding in policy["bindings"] as JsonArray ?? [])
        {
            if (binding!["members"] is not JsonArray { Count: > 0 })
            {
                return GoogleErrorBodies.Rpc(400, "INVALID_ARGUMENT", $"Binding for role {(string?)binding["role"]} has no members.");
            }
        }

        policy["etag"] = NextEtag();
        policy["version"] ??= 1;
        _policies[call["project"]] = policy;
        return FakeResult.Ok(policy.DeepClone());
    }
}
