using System.Text.Json;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Stages.Images;

namespace VllmAspire.Provisioner.Images.Tests;

public sealed class ContainerImageStageFactoryTests
{
    private static GkePlan Plan(params GkePlanContainerImage[] images) => new()
    {
        Project = "my-project",
        Location = "us-central1",
        Cluster = "vllm-cluster",
        Steps = [],
        ContainerImages = images,
    };

    [Fact]
    public void Create_NamesEachStageAfterItsRepository_AndProvidesTheReference()
    {
        using var project = TinyProject.Create();
        var plan = Plan(
            new GkePlanContainerImage { Reference = "us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:1.0.0", Project = project.RelativePath },
            new GkePlanContainerImage { Reference = "us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-metrics-adapter:1.0.0", Project = project.RelativePath });

        var stages = ContainerImageStageFactory.Create(plan, project.Root);

        Assert.Equal(["image-vllm-aspire-provisioner", "image-vllm-aspire-metrics-adapter"], stages.Select(s => s.Name));
        Assert.Equal(["us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:1.0.0"], stages[0].Provides);
        Assert.Empty(stages[0].DependsOn);
        Assert.Equal(new ContainerImageReference("us-central1-docker.pkg.dev", "my-project/vllm/vllm-aspire-provisioner", "1.0.0"), stages[0].Image);
        Assert.Equal(Path.Combine(project.Root, "app", "TinyImageApp.csproj"), stages[0].ProjectPath);
    }

    [Theory]
    [InlineData("vllm-aspire-provisioner:1.0.0")]
    [InlineData("my-project/vllm-aspire-provisioner:1.0.0")]
    [InlineData("us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner")]
    [InlineData("us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner@sha256:0123")]
    [InlineData("localhost:5000/app")]
    public void Create_RejectsAReferenceWithoutRegistryOrTag(string reference)
    {
        using var project = TinyProject.Create();

        var error = Assert.Throws<ArgumentException>(() => ContainerImageStageFactory.Create(Plan(new GkePlanContainerImage { Reference = reference, Project = project.RelativePath }), project.Root));

        Assert.Contains($"'{reference}'", error.Message);
        Assert.Contains("container-registry", error.Message);
    }

    [Fact]
    public void Create_RejectsAProjectThatIsNotThere()
    {
        using var project = TinyProject.Create();

        var error = Assert.Throws<ArgumentException>(() => ContainerImageStageFactory.Create(
            Plan(new GkePlanContainerImage { Reference = "localhost:5000/app:1", Project = "Provisioner/Provisioner.csproj" }), project.Root));

        Assert.Contains("'Provisioner/Provisioner.csproj'", error.Message);
        Assert.Contains(Path.Combine(project.Root, "Provisioner", "Provisioner.csproj"), error.Message);
    }

    [Fact]
    public void GkePlanJson_LeavesContainerImagesOutWhenEmpty_AndRoundTripsThem()
    {
        var empty = Plan();
        Assert.DoesNotContain("containerImages", empty.ToJson());
        Assert.Empty(JsonSerializer.Deserialize<GkePlan>(empty.ToJson())!.ContainerImages);

        var withImages = Plan(new GkePlanContainerImage { Reference = "us-central1-docker.pkg.dev/p/r/vllm-aspire-provisioner:1.0.0", Project = "Provisioner/Provisioner.csproj" });
        var json = withImages.ToJson();
        Assert.Contains("\"containerImages\": [", json);
        Assert.Contains("\"project\": \"Provisioner/Provisioner.csproj\"", json);
        var read = JsonSerializer.Deserialize<GkePlan>(json)!;
        Assert.Equal(withImages.ContainerImages, read.ContainerImages);
    }
}
