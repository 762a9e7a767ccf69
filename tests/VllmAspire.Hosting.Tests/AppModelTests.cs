using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Tests;

public class AppModelTests
{
    [Theory]
    [InlineData("1abc", "start with an ASCII letter")]
    [InlineData("a--b", "two hyphens")]
    [InlineData("abc-", "end with a hyphen")]
    [InlineData("a_b", "'_' is not allowed")]
    public void InvalidNamesAreRejectedWithTheRule(string name, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => ResourceName.Validate(name));
        Assert.Contains(rule, error.Message);
    }

    [Fact]
    public void OnlyKeyValueOverridesReachConfigurationNotAVerbsOptions()
    {
        var builder = TestApplication.CreateBuilder(args: ["publish", "-o", "/tmp/out", "--Parameters:gcp-zone=us-central1-a", "--flag"]);
        Assert.Equal("us-central1-a", builder.Configuration["Parameters:gcp-zone"]);
        Assert.Null(builder.Configuration["tmp/out"]);
        Assert.Null(builder.Configuration["o"]);
        Assert.True(builder.ExecutionContext.IsPublishMode);
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var builder = TestApplication.CreateBuilder();
        builder.AddParameter("x", "1");
        var error = Assert.Throws<DistributedApplicationException>(() => builder.AddParameter("X", "2"));
        Assert.Contains("already exists", error.Message);
    }

    [Fact]
    public void WaitForCyclesAreNamed()
    {
        var builder = TestApplication.CreateBuilder();
        var a = builder.AddExecutable("a", "true", ".");
        var b = builder.AddExecutable("b", "true", ".").WaitFor(a);
        a.WaitFor(b);
        var error = Assert.Throws<DistributedApplicationException>(() => builder.Build());
        Assert.Contains("a -> b -> a", error.Message);
    }

    [Fact]
    public async Task ReferenceExpressionKeepsDeferredPartsForRunAndPublish()
    {
        var builder = TestApplication.CreateBuilder();
        var api = builder.AddExecutable("api", "true", ".").WithHttpEndpoint(targetPort: 8080);
        var endpoint = api.GetEndpoint("http");
        var expression = ReferenceExpression.Create($"--url={endpoint}/v1 {{literal}}");

        Assert.Equal("--url={0}/v1 {{literal}}", expression.Format);
        Assert.Equal("--url={api.bindings.http.url}/v1 {literal}", expression.ValueExpression);

        endpoint.Annotation.AllocatedEndpoint = new AllocatedEndpoint("http", "127.0.0.1", 5123);
        var run = new ValueProviderContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        var publish = new ValueProviderContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));
        Assert.Equal("--url=http://127.0.0.1:5123/v1 {literal}", await expression.GetValueAsync(run));
        Assert.Equal("--url=http://api:8080/v1 {literal}", await expression.GetValueAsync(publish));
    }

    [Fact]
    public async Task TargetPortResolvesPerReplicaForTheResourceItself()
    {
        var builder = TestApplication.CreateBuilder();
        var api = builder.AddExecutable("api", "true", ".").WithHttpEndpoint();
        var targetPort = api.GetEndpoint("http").Property(EndpointProperty.TargetPort);
        api.Resource.GetEndpoints().Single().ReplicaTargetPorts[0] = 7000;
        api.Resource.GetEndpoints().Single().ReplicaTargetPorts[1] = 7001;
        var run = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);

        Assert.Equal("7001", await targetPort.GetValueAsync(new ValueProviderContext(run, api.Resource, 1)));
        Assert.Equal("7000", await targetPort.GetValueAsync(new ValueProviderContext(run, Caller: null, 1)));
    }

    [Fact]
    public void MissingParameterSaysHowToSetIt()
    {
        var builder = TestApplication.CreateBuilder();
        var project = builder.AddParameter("gcp-project");
        var error = Assert.Throws<MissingParameterValueException>(() => project.Resource.Value);
        Assert.Contains("Parameters:gcp-project", error.Message);
        Assert.Contains("Parameters__gcp-project", error.Message);
        Assert.Contains("dotnet user-secrets set", error.Message);
    }

    [Theory]
    [InlineData("vllm/vllm-openai:v0.10.1", null, "vllm/vllm-openai", "v0.10.1")]
    [InlineData("docker.io/vllm/vllm-openai:v0.5.3", "docker.io", "vllm/vllm-openai", "v0.5.3")]
    [InlineData("localhost:5000/app", "localhost:5000", "app", null)]
    [InlineData("prom/prometheus", null, "prom/prometheus", null)]
    public void ImageReferencesSplitIntoRegistryImageAndTag(string reference, string? registry, string image, string? tag) =>
        Assert.Equal((registry, image, tag), ContainerResourceBuilderExtensions.ParseImage(reference));

    [Fact]
    public async Task ContainerWithoutAnEngineShowsRuntimeUnhealthyAndWhy()
    {
        var builder = TestApplication.CreateBuilder();
        // No engine answers on this machine kind; point the probe at a missing CLI to be sure either way.
        builder.Configuration["AppHost:ContainerRuntime"] = "/nonexistent/docker";
        builder.AddContainer("redis", "redis:7");
        builder.AddExecutable("sleeper", "sleep", ".", "30");
        await using var app = builder.Build();
        await app.StartAsync();
        var state = await app.WaitForAsync("redis", s => s.State == KnownResourceStates.RuntimeUnhealthy);
        Assert.Contains("no container engine answered", state.Snapshot.StateMessage);
        await app.WaitForHealthyAsync("sleeper");
        await app.StopAsync();
    }
}
