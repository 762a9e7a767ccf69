using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>The Compute, Container and Resource Manager clients against the fakes.</summary>
public sealed class ClientTests
{
    private const string Disks = $"projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks";

    [Fact]
    public async Task Compute_InsertThenWait_LoopsWaitInTheZoneUntilDone()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.OperationDuration = TimeSpan.FromSeconds(1);
        bed.Fake.Compute.WaitMaxDuration = TimeSpan.FromMilliseconds(100);

        var operation = await bed.Compute.InsertAsync($"{Disks}?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "d1", ["sizeGb"] = "4096" }, $"{Disks}/d1", CancellationToken.None);
        var done = await bed.Compute.WaitAsync(GcpTestbed.Project, operation, $"{Disks}/d1", null, CancellationToken.None);

        Assert.True(done.IsDone);
        var waits = bed.Fake.Requests.Where(r => r.MethodId == "compute.zoneOperations.wait").ToList();
        Assert.True(waits.Count >= 2, $"expected the wait loop to call wait more than once, got {waits.Count}");
        Assert.All(waits, w => Assert.Contains($"/zones/{GcpTestbed.Zone}/operations/{operation.Name}/wait", w.Url, StringComparison.Ordinal));
        var disk = await bed.Compute.GetAsync($"{Disks}/d1", CancellationToken.None);
        Assert.Equal("READY", disk!.Status);
        Assert.Equal(4096, disk.SizeGb);
        Assert.Empty(bed.Fake.InvalidRequests);
    }

    [Fact]
    public async Task Compute_ImageOperation_IsWaitedForInTheGlobalScope()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "src", sizeGb: 30);

        var operation = await bed.Compute.InsertAsync($"projects/{GcpTestbed.Project}/global/images?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "img", ["sourceDisk"] = $"{Disks}/src" }, "img", CancellationToken.None);
        await bed.Compute.WaitAsync(GcpTestbed.Project, operation, "img", null, CancellationToken.None);

        Assert.Contains(bed.Fake.Requests, r => r.MethodId == "compute.globalOperations.wait");
        Assert.DoesNotContain(bed.Fake.Requests, r => r.MethodId == "compute.zoneOperations.wait");
        var image = await bed.Compute.GetAsync($"projects/{GcpTestbed.Project}/global/images/img", CancellationToken.None);
        Assert.Equal(30, image!.DiskSizeGb);
    }

    [Fact]
    public async Task Compute_OperationError_NamesTheResourceAndCode_WithAQuotaHint()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.FailOperationsFor("d1");

        var operation = await bed.Compute.InsertAsync($"{Disks}?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "d1", ["sizeGb"] = "10" }, $"{Disks}/d1", CancellationToken.None);
        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Compute.WaitAsync(GcpTestbed.Project, operation, $"{Disks}/d1", null, CancellationToken.None));

        Assert.Equal("QUOTA_EXCEEDED", ex.Error.Status);
        Assert.Equal(403, ex.Error.HttpStatus);
        var permanent = ex.ToProvisioningException();
        Assert.Equal($"{Disks}/d1", permanent.Resource);
        Assert.Contains("SSD_TOTAL_GB", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("quota", permanent.Fix, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await bed.Compute.GetAsync($"{Disks}/d1", CancellationToken.None));
    }

    [Fact]
    public async Task Compute_NameTaken_IsAlreadyExists_AndMissingIsNull()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "d1");

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Compute.InsertAsync($"{Disks}?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "d1" }, $"{Disks}/d1", CancellationToken.None));

        Assert.True(ex.Error.IsAlreadyExists);
        Assert.Equal("alreadyExists", ex.Error.Reason);
        Assert.Contains($"{Disks}/d1", ex.Message, StringComparison.Ordinal);
        Assert.Null(await bed.Compute.GetAsync($"{Disks}/missing", CancellationToken.None));
        Assert.Null(await bed.Compute.DeleteAsync($"{Disks}/missing", Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task Compute_ListWithALabelFilter_ReturnsOnlyLabelledObjects()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "ours", GcpTestbed.CacheLabels);
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "theirs", new Dictionary<string, string> { ["managed-by"] = "terraform" });

        var ours = await bed.Compute.ListAsync(Disks, "labels.managed-by = \"vllm-aspire\"", CancellationToken.None);
        var all = await bed.Compute.ListAsync(Disks, null, CancellationToken.None);
        var none = await bed.Compute.ListAsync($"projects/{GcpTestbed.Project}/zones/us-central1-b/disks", null, CancellationToken.None);

        Assert.Equal(["ours"], ours.Select(d => d.Name));
        Assert.Equal(2, all.Count);
        Assert.Empty(none);
        Assert.Empty(bed.Fake.InvalidRequests);
    }

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(500, "INTERNAL")]
    public async Task TransientAnswers_AreRetried(int status, string statusName)
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "d1");
        bed.Fake.Faults.AnswerWith("compute.disks.get", GoogleErrorBodies.Rpc(status, statusName, "try later"), times: 3);

        var disk = await bed.Compute.GetAsync($"{Disks}/d1", CancellationToken.None);

        Assert.NotNull(disk);
        Assert.Equal(4, bed.Fake.Requests.Count(r => r.MethodId == "compute.disks.get"));
    }

    [Fact]
    public async Task Forbidden_IsNotRetried_AndSaysToEnableTheApi()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.AnswerWith("compute.disks.get", GoogleErrorBodies.Compute(403, "accessNotConfigured", "Compute Engine API has not been used in project 123456789012 before or it is disabled."));

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Compute.GetAsync($"{Disks}/d1", CancellationToken.None));

        Assert.Single(bed.Fake.Requests, r => r.MethodId == "compute.disks.get");
        var permanent = ex.ToProvisioningException();
        Assert.Contains("403", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("accessNotConfigured", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("gcloud services enable", permanent.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledApi_TheFixNamesTheServiceFromTheErrorInfo()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var body = GoogleErrorBodies.Rpc(403, "PERMISSION_DENIED", "Kubernetes Engine API has not been used in project 123456789012 before or it is disabled.", "SERVICE_DISABLED");
        body.Body["error"]!["details"]![0]!["metadata"] = new JsonObject { ["service"] = "container.googleapis.com" };
        bed.Fake.Faults.AnswerWith("container.projects.locations.clusters.nodePools.list", body);

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Container.ListNodePoolsAsync(GcpTestbed.Cluster, CancellationToken.None));

        Assert.Equal("SERVICE_DISABLED", ex.Error.Reason);
        Assert.Equal("Enable the API in the project: gcloud services enable container.googleapis.com", ex.ToProvisioningException().Fix);
    }

    [Fact]
    public async Task BadRequest_IsNotRetried()
    {
        await using var bed = await GcpTestbed.StartAsync();

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Compute.InsertAsync($"{Disks}?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "d1", ["sizeGb"] = "100000" }, $"{Disks}/d1", CancellationToken.None));

        Assert.Equal(400, ex.Error.HttpStatus);
        Assert.Single(bed.Fake.Requests, r => r.MethodId == "compute.disks.insert");
        Assert.Contains("AppHost", ex.ToProvisioningException().Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_ClusterAlreadyHasOperation_IsRetriedUntilTheOtherOperationIsDone()
    {
        const string Create = "container.projects.locations.clusters.nodePools.create";
        await using var bed = await GcpTestbed.StartAsync();
        // a's operation runs until the fake has refused b's create because of it (held, not timed: it takes no time once
        // let go); b's next try finds the cluster free.
        bed.Fake.Faults.OperationDuration = TimeSpan.Zero;
        bed.Fake.Faults.HoldOperations = true;
        bed.Fake.Faults.OnRequest(Create, _ =>
        {
            if (bed.Fake.Requests.Any(r => r.MethodId == Create && r.StatusCode == 400))
            {
                bed.Fake.Faults.HoldOperations = false;
            }

            return Task.CompletedTask;
        });

        var first = await bed.Container.CreateNodePoolAsync(GcpTestbed.Cluster, Pool("a"), CancellationToken.None);
        var second = await bed.Container.CreateNodePoolAsync(GcpTestbed.Cluster, Pool("b"), CancellationToken.None);
        await bed.Container.WaitAsync(GcpTestbed.Cluster, second, "b", null, CancellationToken.None);

        var creates = bed.Fake.Requests.Where(r => r.MethodId == Create).ToList();
        Assert.Equal([200, 400, 200], creates.Select(r => r.StatusCode));
        Assert.Equal("RUNNING", (await bed.Container.GetNodePoolAsync(GcpTestbed.Cluster, "b", CancellationToken.None))!.Status);
        Assert.Contains(bed.Fake.Requests, r => r.MethodId == "container.projects.locations.operations.get");
        Assert.NotEqual(first.Name, second.Name);
    }

    [Fact]
    public async Task Container_FailedOperation_SurfacesItsError()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.FailOperationsFor("a", new FakeOperationFailure("RESOURCE_EXHAUSTED", "The zone us-central1-a does not have enough resources available to fulfill the request."));

        var operation = await bed.Container.CreateNodePoolAsync(GcpTestbed.Cluster, Pool("a"), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Container.WaitAsync(GcpTestbed.Cluster, operation, "a", null, CancellationToken.None));

        Assert.Equal("RESOURCE_EXHAUSTED", ex.Error.Status);
        Assert.Contains("does not have enough resources", ex.Message, StringComparison.Ordinal);
        Assert.Contains("quota", ex.ToProvisioningException().Fix, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Container_OperationPastTheDeadline_FailsWithDeadlineExceeded()
    {
        await using var bed = await GcpTestbed.StartAsync(s => s["Gcp:OperationTimeout"] = "00:00:00.200");
        bed.Fake.Faults.OperationDuration = TimeSpan.FromSeconds(30);

        var operation = await bed.Container.CreateNodePoolAsync(GcpTestbed.Cluster, Pool("a"), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.Container.WaitAsync(GcpTestbed.Cluster, operation, "a", null, CancellationToken.None));

        Assert.Equal("DEADLINE_EXCEEDED", ex.Error.Status);
    }

    [Fact]
    public async Task ResourceManager_ProjectNumberIsAnInt64String_AndEtagConflictIsConcurrentChange()
    {
        await using var bed = await GcpTestbed.StartAsync();

        var project = await bed.ResourceManager.GetProjectAsync(GcpTestbed.Project, CancellationToken.None);
        var policy = await bed.ResourceManager.GetIamPolicyAsync(GcpTestbed.Project, CancellationToken.None);
        bed.Fake.ResourceManager.ChangePolicy(GcpTestbed.Project, p => ((JsonArray)p["bindings"]!).Add(new JsonObject { ["role"] = "roles/viewer", ["members"] = new JsonArray("user:a@example.com") }));
        policy.Bindings.Add(new() { Role = "roles/editor", Members = ["user:b@example.com"] });
        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.ResourceManager.SetIamPolicyAsync(GcpTestbed.Project, policy, "bindings,etag", CancellationToken.None));

        Assert.Equal(GcpTestbed.ProjectNumber, project.ProjectNumber);
        Assert.Contains(bed.Fake.Requests, r => r.MethodId == "cloudresourcemanager.projects.get");
        Assert.True(ex.Error.IsConcurrentChange);
        Assert.Single(bed.Fake.Requests, r => r.MethodId == "cloudresourcemanager.projects.setIamPolicy");
        Assert.Empty(bed.Fake.InvalidRequests);
    }

    [Fact]
    public async Task ResourceManager_UnknownProject_IsPermissionDenied_WithARoleHint()
    {
        await using var bed = await GcpTestbed.StartAsync();

        var ex = await Assert.ThrowsAsync<GcpApiException>(() => bed.ResourceManager.GetProjectAsync("nope", CancellationToken.None));

        ProvisioningException permanent = ex.ToProvisioningException();
        Assert.Equal("projects/nope", permanent.Resource);
        Assert.Contains("PERMISSION_DENIED", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("roles/", permanent.Fix, StringComparison.Ordinal);
    }

    private static JsonObject Pool(string name) => new() { ["nodePool"] = new JsonObject { ["name"] = name, ["initialNodeCount"] = 1 } };
}
