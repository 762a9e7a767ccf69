using System.Text.Json.Nodes;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>The discovery validator rejects what the real APIs reject, so a passing plan means something.</summary>
public sealed class DiscoveryDocumentTests
{
    private static readonly DiscoveryDocument Compute = DiscoveryDocument.Load(Path.Combine(Paths.Reference, "discovery", "compute.v1.json"));
    private static readonly DiscoveryDocument Container = DiscoveryDocument.Load(Path.Combine(Paths.Reference, "discovery", "container.v1.json"));
    private const string DisksUrl = "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/disks";
    private const string NodePoolsUrl = "https://container.googleapis.com/v1/projects/p/locations/us-central1/clusters/c/nodePools";

    [Fact]
    public void AValidDiskInsert_Passes() =>
        Assert.Empty(Compute.ValidateRequest("compute.disks.insert", "POST", DisksUrl + "?requestId=0b7f4a52-2d3e-4d7a-9f3b-5c6d7e8f9a0b",
            JsonNode.Parse("""{"name":"d","sizeGb":"2048","type":"zones/us-central1-a/diskTypes/pd-ssd","labels":{"app":"vllm"}}""")));

    [Theory]
    [InlineData("""{"name":"d","sizeGb":"2 TB"}""", "not a valid int64")]
    [InlineData("""{"name":"d","sizeGbs":"10"}""", "unknown field 'sizeGbs'")]
    [InlineData("""{"name":"d","status":"READY"}""", "output only")]
    [InlineData("""{"name":"d","labels":{"app":1}}""", "expected a string")]
    [InlineData("""{"name":5}""", "expected a string")]
    [InlineData("""{"name":"d","accessMode":"READ_ONLY_MANY"}""", "unknown field 'accessMode'")]
    public void DiskInsert_RejectsBadBodies(string body, string expected)
    {
        var problems = Compute.ValidateRequest("compute.disks.insert", "POST", DisksUrl, JsonNode.Parse(body));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Requests_AreCheckedForVerbPathAndQuery()
    {
        Assert.Contains(Compute.ValidateRequest("compute.disks.insert", "PUT", DisksUrl, JsonNode.Parse("{}")), p => p.Contains("is POST", StringComparison.Ordinal));
        Assert.Contains(Compute.ValidateRequest("compute.disks.insert", "POST", "https://compute.googleapis.com/compute/v1/projects/p/disks", JsonNode.Parse("{}")),
            p => p.Contains("does not match the template", StringComparison.Ordinal));
        Assert.Contains(Compute.ValidateRequest("compute.disks.insert", "POST", DisksUrl + "?requestID=x", JsonNode.Parse("{}")),
            p => p.Contains("unknown query parameter 'requestID'", StringComparison.Ordinal));
        Assert.Contains(Compute.ValidateRequest("compute.disks.insert", "POST", DisksUrl, null), p => p.Contains("needs a Disk body", StringComparison.Ordinal));
    }

    [Fact]
    public void NodePoolCreate_RejectsBadEnumsAndTypes()
    {
        var problems = Container.ValidateRequest("container.projects.locations.clusters.nodePools.create", "POST", NodePoolsUrl, JsonNode.Parse(
            """{"nodePool":{"name":"p","initialNodeCount":"one","config":{"secondaryBootDisks":[{"diskImage":"x","mode":"IMAGE_CACHE"}],"accelerators":[{"acceleratorCount":"1.5"}]}}}"""));
        Assert.Contains(problems, p => p.Contains("'IMAGE_CACHE' is not one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("initialNodeCount: expected an integer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'1.5' is not a valid int64", StringComparison.Ordinal));
        Assert.Contains(Container.ValidateRequest("container.projects.locations.clusters.nodePools.create", "POST",
            "https://container.googleapis.com/v1/projects/p/locations/l/clusters/c/nodepools", JsonNode.Parse("""{"nodePool":{"name":"p"}}""")),
            p => p.Contains("does not match", StringComparison.Ordinal));
    }
}
