namespace VllmAspire.Publishing.Tests;

/// <summary>Every validation problem stops the publish, names the setting and the fix, and writes nothing.</summary>
public sealed class ValidationTests
{
    [Fact]
    public void TheAppHostModel_IsValid()
    {
        var result = new TestModel().Publish();
        Assert.True(result.Succeeded, result.Errors);
        Assert.True(result.Written);
    }

    public static TheoryData<string, string[]> Cases => new()
    {
        { "missing gcp-project", ["Parameter 'gcp-project' is missing", "Parameters__gcp-project"] },
        { "missing gke-cluster", ["Parameter 'gke-cluster' is missing", "--Parameters:gke-cluster=VALUE"] },
        { "project id", ["'gcp-project' = 'My Project'", "project ID"] },
        { "cluster name", ["'gke-cluster' = 'Cluster_1'", "set the cluster's name"] },
        { "vllm name", ["vLLM resource name 'Vllm' is not a DNS-1123 label", "rename it in AddVllm"] },
        { "image cache name", ["at most 39", "WithImageCache"] },
        { "disk name too long", ["longer than 63", "shorten the name given to AddModelWeights"] },
        { "zone outside location", ["'gcp-zone' = 'europe-west4-a' is outside the cluster's location 'gcp-location' = 'us-central1'", "choose a zone of us-central1"] },
        { "second zone outside location", ["'gcp-zone' = 'europe-west4-b' is outside the cluster's location 'gcp-location' = 'us-central1'", "choose a zone of us-central1"] },
        { "second zone not a zone", ["'gcp-zone' = 'us-central1' is not a zone", "comma-separated list of zones"] },
        { "zone listed twice", ["names a zone twice", "list each zone once"] },
        { "disk smaller than weights", ["are 15.9 GiB but PublishAsPersistentDisk(sizeGb: 10) is smaller", "at least 16"] },
        { "read-ahead not multiple of 4", ["readAheadKb 1022 is not a positive multiple of 4", "PublishAsPersistentDisk"] },
        { "read-ahead zero", ["readAheadKb 0 is not a positive multiple of 4"] },
        { "no gpu", ["runs vllm/vllm-openai:v0.10.1, which needs an NVIDIA GPU", "accelerator: \"nvidia-l4\""] },
        { "image not pinned", ["runs vllm/vllm-openai, which is not pinned", "pass a version tag to AddVllm"] },
        { "min above max", ["minReplicas 6 is above maxReplicas 2", "1 <= minReplicas <= maxReplicas"] },
        { "machine type cannot attach disk", ["machine type c4-standard-8 cannot attach pd-ssd", "Hyperdisk only"] },
        { "metric renamed in the version", ["WithAutoscaling metric 'vllm:gpu_cache_usage_perc' does not exist in vLLM 0.12.0", "use metric: \"vllm:kv_cache_usage_perc\""] },
        { "metric of a newer version", ["WithAutoscaling metric 'prometheus.googleapis.com|vllm:kv_cache_usage_perc|gauge' does not exist in vLLM 0.5.3", "use metric: \"prometheus.googleapis.com|vllm:gpu_cache_usage_perc|gauge\""] },
        { "metric unknown", ["WithAutoscaling metric 'vllm:queue_length' does not exist in vLLM 0.10.1", "vllm:num_requests_waiting"] },
        { "metric with the wrong google kind", ["has kind 'counter'", "use metric: \"prometheus.googleapis.com|vllm:num_requests_waiting|gauge\""] },
        { "hf-token as a parameter", ["Parameter 'hf-token' is set", "saved in clear text", "kubectl create secret generic vllm-hf-token -n vllm --from-literal=token=TOKEN"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Problem_StopsThePublish_NamesTheSettingAndFix_AndWritesNothing(string problem, string[] expected)
    {
        var model = new TestModel();
        switch (problem)
        {
            case "missing gcp-project": model.Parameters.Remove("gcp-project"); break;
            case "missing gke-cluster": model.Parameters["gke-cluster"] = ""; break;
            case "project id": model.Parameters["gcp-project"] = "My Project"; break;
            case "cluster name": model.Parameters["gke-cluster"] = "Cluster_1"; break;
            case "vllm name": model.VllmName = "Vllm"; break;
            case "image cache name": model.ImageCacheName = "vllm-image-cache-with-a-much-too-long-name"; break;
            case "disk name too long": model.WeightsName = "gemma-7b-instruct-quantized-awq-with-a-very-long-suffix"; break;
            case "zone outside location": model.Parameters["gcp-zone"] = "europe-west4-a"; break;
            case "second zone outside location": model.Parameters["gcp-zone"] = "us-central1-a, europe-west4-b"; break;
            case "second zone not a zone": model.Parameters["gcp-zone"] = "us-central1-a,us-central1"; break;
            case "zone listed twice": model.Parameters["gcp-zone"] = "us-central1-a,us-central1-b,us-central1-a"; break;
            case "disk smaller than weights": model.Disk = new("pd-ssd", 10, 4096); break;
            case "read-ahead not multiple of 4": model.Disk = new("pd-ssd", 2048, 1022); break;
            case "read-ahead zero": model.Disk = new("pd-ssd", 2048, 0); break;
            case "no gpu": model.Accelerator = null; break;
            case "image not pinned": model.Image = "vllm/vllm-openai"; break;
            case "min above max": model.Autoscaling = new(6, 2, "vllm:num_requests_waiting", 10); break;
            case "machine type cannot attach disk": model.MachineType = "c4-standard-8"; break;
            case "metric renamed in the version": model.Image = "vllm/vllm-openai:v0.12.0"; model.Autoscaling = new(1, 5, "vllm:gpu_cache_usage_perc", 0.8); break;
            case "metric of a newer version": model.Image = "vllm/vllm-openai:v0.5.3"; model.Autoscaling = new(1, 5, "prometheus.googleapis.com|vllm:kv_cache_usage_perc|gauge", 0.8); break;
            case "metric unknown": model.Autoscaling = new(1, 5, "vllm:queue_length", 10); break;
            case "metric with the wrong google kind": model.Autoscaling = new(1, 5, "prometheus.googleapis.com|vllm:num_requests_waiting|counter", 10); break;
            case "hf-token as a parameter": model.Parameters["hf-token"] = "hf_not-to-be-echoed"; break;
            default: throw new ArgumentException(problem);
        }

        var result = model.Publish();
        Assert.False(result.Succeeded);
        foreach (var text in expected)
        {
            Assert.Contains(text, result.Errors, StringComparison.Ordinal);
        }

        Assert.False(result.Written, "a failed publish must not create the output folder");
        Assert.DoesNotContain("hf_not-to-be-echoed", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralProblems_AreAllReported_OneLineEach()
    {
        var model = new TestModel { Disk = new("pd-ssd", 10, 1022), Accelerator = null };
        model.Parameters.Remove("gcp-zone");
        var lines = model.Publish().Problems;
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.DoesNotContain('\n', l));
        Assert.Contains(lines, l => l.Contains("'gcp-zone' is missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("sizeGb: 10", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("readAheadKb 1022", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("NVIDIA GPU", StringComparison.Ordinal));
    }

    [Fact]
    public void FailedPublish_LeavesAnEarlierOutputUntouched()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-validate-").FullName;
        try
        {
            var output = Path.Combine(root, "out");
            using (var app = new TestModel().Build())
            {
                Assert.Empty(app.Publish(output).Problems);
            }

            var before = Snapshot(output);
            var broken = new TestModel { Disk = new("pd-ssd", 2048, 3) };
            using (var app = broken.Build())
            {
                Assert.NotEmpty(app.Publish(output).Problems);
            }

            Assert.Equal(before, Snapshot(output));
            Assert.Single(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        static Dictionary<string, string> Snapshot(string dir) =>
            Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
    }

    [Fact]
    public void Republish_ReplacesKubernetesFolder_SoRemovedObjectsDisappear()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-validate-").FullName;
        try
        {
            var output = Path.Combine(root, "out");
            var stale = Path.Combine(output, "kubernetes", "deployment-old.yaml");
            using (var app = new TestModel().Build())
            {
                Assert.Empty(app.Publish(output).Problems);
            }

            File.WriteAllText(stale, "kind: Deployment\n");
            using (var app = new TestModel().Build())
            {
                Assert.Empty(app.Publish(output).Problems);
            }

            Assert.False(File.Exists(stale));
            Assert.True(File.Exists(Path.Combine(output, "kubernetes", "deployment-vllm.yaml")));
            Assert.Single(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
