using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Publishing.Tests;

public sealed class GkeEnvironmentTests
{
    [Fact]
    public void RunMode_LeavesTheEnvironmentAndItsParametersOutOfTheModel()
    {
        var model = new TestModel();
        model.Parameters.Clear();
        using var app = model.Build(verb: "run");
        Assert.DoesNotContain(app.Model.Resources, r => r is GkeEnvironmentResource);
        Assert.DoesNotContain(app.Model.Resources, r => r is ParameterResource p && (p.Name.StartsWith("g", StringComparison.Ordinal) || p.Name == "container-registry"));
    }

    [Fact]
    public void PublishMode_AddsTheEnvironmentWithItsParameters()
    {
        using var app = new TestModel().Build();
        var gke = Assert.Single(app.Model.Resources.OfType<GkeEnvironmentResource>());
        Assert.Equal(["gcp-project", "gcp-location", "gcp-zone", "gke-cluster", "container-registry"],
            app.Model.Resources.OfType<ParameterResource>().Select(p => p.Name));
        Assert.Equal("my-project", gke.Project.Value);
        Assert.Equal(MetricsAdapterKind.GoogleStackdriver, gke.MetricsAdapter);
    }
}
