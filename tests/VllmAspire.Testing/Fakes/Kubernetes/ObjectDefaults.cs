using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>The defaults the API server fills into objects of the kinds we use (a subset, enough that stored objects differ from applied ones as on a real cluster).</summary>
public static class ObjectDefaults
{
    private static int _nextClusterIp = 10;

    /// <summary>Fills missing defaulted fields.</summary>
    /// <param name="type">The object's type.</param>
    /// <param name="obj">The object, changed in place.</param>
    public static void Apply(FakeResourceType type, JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        switch (type.Kind)
        {
            case "Namespace":
                obj["metadata"]!["labels"] ??= new JsonObject();
                obj["metadata"]!["labels"]!["kubernetes.io/metadata.name"] = (string?)obj["metadata"]!["name"];
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] ??= new JsonObject { ["phase"] = "Active" };
                break;
            case "Deployment" when spec is not null:
                spec["strategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" } };
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                spec["replicas"] ??= 1;
                PodTemplate(spec["template"]?["spec"] as JsonObject);
                break;
            case "Job" when spec is not null:
                spec["completions"] ??= 1;
                spec["parallelism"] ??= 1;
                spec["completionMode"] ??= "NonIndexed";
                spec["suspend"] ??= false;
                PodTemplate(spec["template"]?["spec"] as JsonObject);
                break;
            case "Service" when spec is not null:
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if (spec["clusterIP"] is null)
                {
                    var ip = $"10.96.0.{Interlocked.Increment(ref _nextClusterIp)}";
                    spec["clusterIP"] = ip;
                    spec["clusterIPs"] = new JsonArray(ip);
                }

                break;
            case "PersistentVolume" when spec is not null:
                spec["volumeMode"] ??= "Filesystem";
                obj["status"] ??= new JsonObject { ["phase"] = "Available" };
                break;
            case "PersistentVolumeClaim" when spec is not null:
                spec["volumeMode"] ??= "Filesystem";
                obj["status"] ??= new JsonObject { ["phase"] = "Pending" };
                break;
        }
    }

    private static void PodTemplate(JsonObject? podSpec)
    {
        if (podSpec is null)
        {
            return;
        }

        podSpec["restartPolicy"] ??= "Always";
        podSpec["dnsPolicy"] ??= "ClusterFirst";
        podSpec["schedulerName"] ??= "default-scheduler";
        foreach (var container in podSpec["containers"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["imagePullPolicy"] ??= ((string?)container["image"])?.EndsWith(":latest", StringComparison.Ordinal) == true ? "Always" : "IfNotPresent";
        }
    }
}
