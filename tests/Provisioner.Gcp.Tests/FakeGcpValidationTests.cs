using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>The fakes refuse what the real APIs refuse.</summary>
public sealed class FakeGcpValidationTests
{
    [Fact]
    public async Task Fake_RejectsABodyTheDiscoveryDocumentRejects_AndRecordsIt()
    {
        await using var bed = await GcpTestbed.StartAsync();
        using var http = Client(bed);
        var body = new JsonObject { ["name"] = "d1", ["sizeGB"] = "10", ["status"] = "READY" };

        using var response = await http.PostAsJsonAsync($"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("INVALID_ARGUMENT", (string?)error["status"]);
        var invalid = Assert.Single(bed.Fake.InvalidRequests);
        Assert.Equal("compute.disks.insert", invalid.MethodId);
        Assert.Contains(invalid.Problems, p => p.Contains("sizeGB", StringComparison.Ordinal));
        Assert.Contains(invalid.Problems, p => p.Contains("status is output only", StringComparison.Ordinal));
        Assert.Empty(bed.Fake.Compute.Disks);
    }

    [Fact]
    public async Task Fake_RejectsAnInt64ThatIsNotANumber_AndAnUnknownEnumValue()
    {
        await using var bed = await GcpTestbed.StartAsync();
        using var http = Client(bed);

        using var disk = await http.PostAsJsonAsync($"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks", new JsonObject { ["name"] = "d1", ["sizeGb"] = "ten" });
        using var pool = await http.PostAsJsonAsync($"container/v1/{GcpTestbed.Cluster}/nodePools", new JsonObject
        {
            ["nodePool"] = new JsonObject { ["name"] = "p", ["config"] = new JsonObject { ["secondaryBootDisks"] = new JsonArray(new JsonObject { ["diskImage"] = "global/images/x", ["mode"] = "CACHE" }) } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, disk.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, pool.StatusCode);
        Assert.Equal(2, bed.Fake.InvalidRequests.Count);
        Assert.Empty(bed.Fake.Container.NodePools);
    }

    [Fact]
    public async Task Fake_RefusesARequestWithoutBearerToken()
    {
        await using var bed = await GcpTestbed.StartAsync();
        using var http = new HttpClient { BaseAddress = bed.Fake.BaseAddress };

        using var response = await http.GetAsync($"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks/d1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHENTICATED", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["status"]);
    }

    [Fact]
    public async Task Fake_RepeatedRequestIdReturnsTheFirstOperation_AndCreatesNothingNew()
    {
        await using var bed = await GcpTestbed.StartAsync();
        using var http = Client(bed);
        var url = $"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks?requestId={Guid.NewGuid()}";

        using var first = await http.PostAsJsonAsync(url, new JsonObject { ["name"] = "d1", ["sizeGb"] = "10" });
        using var second = await http.PostAsJsonAsync(url, new JsonObject { ["name"] = "d1", ["sizeGb"] = "10" });
        using var otherId = await http.PostAsJsonAsync($"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks?requestId={Guid.NewGuid()}", new JsonObject { ["name"] = "d1", ["sizeGb"] = "10" });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((string?)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["name"], (string?)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["name"]);
        Assert.Equal(1, bed.Fake.Compute.OperationCount);
        Assert.Equal(HttpStatusCode.Conflict, otherId.StatusCode);
        Assert.Equal("alreadyExists", (string?)JsonNode.Parse(await otherId.Content.ReadAsStringAsync())!["error"]!["errors"]![0]!["reason"]);
    }

    [Fact]
    public async Task Fake_GceLabelsWithSlashesAreRefused()
    {
        await using var bed = await GcpTestbed.StartAsync();
        using var http = Client(bed);

        using var response = await http.PostAsJsonAsync($"compute/v1/projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/disks", new JsonObject
        {
            ["name"] = "d1",
            ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "vllm-aspire" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(bed.Fake.Compute.Disks);
    }

    private static HttpClient Client(GcpTestbed bed)
    {
        var http = new HttpClient { BaseAddress = bed.Fake.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeGcp.AccessToken);
        return http;
    }
}
