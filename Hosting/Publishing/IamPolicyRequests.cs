using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.ResourceManager;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The plan's project IAM bindings (<c>cloudresourcemanager.projects.setIamPolicy</c>, reference/gcp.md §4) for Workload
/// Identity principals: each bake Job reads Cloud Storage; Google's metrics adapter reads Cloud Monitoring.
/// </summary>
internal static class IamPolicyRequests
{
    /// <summary>The placeholder deploy replaces with the project number, which publish does not know.</summary>
    public const string ProjectNumberPlaceholder = "{projectNumber}";

    /// <summary>The bindings; the objects whose service accounts they grant wait for them.</summary>
    /// <param name="model">The validated publish model, with at least one workload.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep ProjectIam(GkePublishModel model)
    {
        var t = model.Target;
        var bindings = new List<Binding>();
        var requiredBy = new List<GkePlanKubernetesObject>();
        foreach (var w in model.Workloads)
        {
            // The bake Job reads the weights from Cloud Storage as its own Kubernetes service account.
            bindings.Add(new Binding { Role = "roles/storage.objectViewer", Members = [Principal(t, t.Namespace, w.BakeServiceAccountName)] });
            requiredBy.Add(GkePlanBuilder.KubernetesObject(V1Job.KubeKind, t.Namespace, w.BakeName));
        }

        if (model.Environment.MetricsAdapter == MetricsAdapterKind.GoogleStackdriver && model.Workloads.Any(w => w.Autoscaling is not null))
        {
            bindings.Add(new Binding { Role = "roles/monitoring.viewer", Members = [Principal(t, GoogleMetricsAdapterManifests.Namespace, GoogleMetricsAdapterManifests.Name)] });
            requiredBy.Add(GkePlanBuilder.KubernetesObject(V1Deployment.KubeKind, GoogleMetricsAdapterManifests.Namespace, GoogleMetricsAdapterManifests.Name));
        }

        var resourceManager = GkePlanBuilder.ResourceManagerBaseUrl;
        return new GkePlanStep
        {
            Id = GkePlanStepIds.ProjectIam,
            Description = "IAM bindings for Workload Identity principals: the bake Job reads Cloud Storage; Google's metrics adapter reads Cloud Monitoring",
            RequiredBy = requiredBy,
            ApiMethod = "cloudresourcemanager.projects.setIamPolicy",
            HttpMethod = "POST",
            Url = $"{resourceManager}v1/projects/{t.Project}:setIamPolicy",
            Body = GcpRequestJson.ToBody(new SetIamPolicyRequest
            {
                Policy = new Policy { Version = 3, Bindings = bindings },
                UpdateMask = SetIamPolicyRequest.BindingsAndEtag,
            }),
            ResolveAtDeploy = new Dictionary<string, string>
            {
                [ProjectNumberPlaceholder] = $"projectNumber from GET {resourceManager}v1/projects/{t.Project}",
                ["policy"] = $"these bindings are added to the policy from POST {resourceManager}v1/projects/{t.Project}:getIamPolicy (requestedPolicyVersion 3), keeping its etag and every other binding",
            },
        };
    }

    // A Kubernetes service account as a direct Workload Identity principal (no Google service account).
    private static string Principal(GkeTarget t, string @namespace, string serviceAccount) =>
        $"principal://iam.googleapis.com/projects/{ProjectNumberPlaceholder}/locations/global/workloadIdentityPools/{t.Project}.svc.id.goog/subject/ns/{@namespace}/sa/{serviceAccount}";
}
