using System.Text;
using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Images;
using VllmAspire.Testing.Fakes.Registry;
using VllmAspire.Testing.Processes;

namespace VllmAspire.Provisioner.Images.Tests;

/// <summary>The image stage against the fake registry, with a real <c>dotnet publish -t:PublishContainer</c> of a tiny project.</summary>
public sealed class ContainerImageStageTests
{
    [Fact]
    public async Task PushesFromNothing_ThenASecondPassIsUnchangedAndBuildsNothing()
    {
        await using var bed = await ImageTestbed.StartAsync();
        var stage = bed.Stage();

        var result = await stage.ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken);

        var log = string.Join("\n", bed.Progress.Select(p => p.Message));
        Assert.True(result.Outcome == StageOutcome.Created, log);
        Assert.Equal([bed.Reference], result.Objects);
        var push = Assert.Single(bed.Registry.Pushes);
        Assert.Equal((ImageTestbed.Repository, ImageTestbed.Tag), (push.Repository, push.Reference));
        var manifest = bed.Registry.Manifest(ImageTestbed.Repository, ImageTestbed.Tag)!;
        var digests = ((JsonArray)manifest["layers"]!).Select(l => (string)l!["digest"]!).Prepend((string)manifest["config"]!["digest"]!).ToList();
        Assert.True(digests.Count >= 3, "the base layer, the app layer and the config");
        Assert.All(digests, d => Assert.NotNull(bed.Registry.Blob(ImageTestbed.Repository, d)));
        var config = JsonNode.Parse(bed.Registry.Blob(ImageTestbed.Repository, (string)manifest["config"]!["digest"]!)!)!;
        var entrypoint = string.Join(" ", ((JsonArray)config["config"]!["Entrypoint"]!).Select(e => (string)e!));
        Assert.Contains(TinyProject.AssemblyName, entrypoint);
        Assert.Contains(bed.Progress, p => p.Stage == "image-tiny-image-app" && p.Message.Contains("tiny", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(bed.Progress, p => p.Message.Contains(FakeRegistry.Password, StringComparison.Ordinal));

        var before = bed.Registry.Requests.Count;
        var progressBefore = bed.Progress.Count;
        var second = await stage.ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken);

        Assert.Equal(StageOutcome.Unchanged, second.Outcome);
        Assert.Single(bed.Registry.Pushes);
        var secondRequests = bed.Registry.Requests.Skip(before).ToList();
        Assert.All(secondRequests, r => Assert.True(r.Method == "HEAD" || r.PathAndQuery.StartsWith("/v2/token", StringComparison.Ordinal), $"{r.Method} {r.PathAndQuery}"));
        Assert.DoesNotContain(bed.Progress.Skip(progressBefore), p => p.Message.StartsWith("building", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FakeRegistryChallenge.Bearer)]
    [InlineData(FakeRegistryChallenge.Basic)]
    public async Task WrongCredentials_FailNamingTheImageAndThe401_AndPushNothing(FakeRegistryChallenge challenge)
    {
        await using var bed = await ImageTestbed.StartAsync(challenge);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage().ReconcileAsync(bed.Context(token: "not-the-token"), TestContext.Current.CancellationToken));

        Assert.Equal(bed.Reference, error.Resource);
        Assert.Contains("401", error.Reason);
        Assert.Contains("roles/artifactregistry.writer", error.Fix);
        Assert.DoesNotContain("not-the-token", error.Message);
        Assert.DoesNotContain(bed.Progress, p => p.Message.Contains("not-the-token", StringComparison.Ordinal));
        Assert.Empty(bed.Registry.Pushes);
        Assert.DoesNotContain(bed.Registry.Requests, r => r.Method is "POST" or "PATCH" or "PUT");
        Assert.False(Directory.Exists(Path.Combine(bed.Project.Root, "app", "bin")), "no build ran");
    }

    [Fact]
    public async Task ARegistryThatIsDown_FailsWithAClearError()
    {
        await using var bed = await ImageTestbed.StartAsync();
        // Held, not listened on: no other test's server can take the port and answer.
        using var down = LoopbackPort.Refusing();
        var port = down.Port;
        var reference = $"localhost:{port}/my-project/vllm/tiny-image-app:1.2.3";

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage(reference).ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken));

        Assert.Equal(reference, error.Resource);
        Assert.Contains($"the registry http://localhost:{port} cannot be reached", error.Reason);
        Assert.Contains("container-registry", error.Fix);
        Assert.False(Directory.Exists(Path.Combine(bed.Project.Root, "app", "bin")), "no build ran");
    }

    [Fact]
    public async Task DryRun_ReportsWhatWouldBePushed_AndPushesNothing()
    {
        await using var bed = await ImageTestbed.StartAsync();

        var result = await bed.Stage().ReconcileAsync(bed.Context(dryRun: true), TestContext.Current.CancellationToken);

        Assert.Equal(StageOutcome.Created, result.Outcome);
        Assert.Equal($"would build {Path.Combine(bed.Project.Root, "app", "TinyImageApp.csproj")} and push {bed.Reference}", result.Message);
        Assert.Empty(bed.Registry.Pushes);
        Assert.All(bed.Registry.Requests, r => Assert.True(r.Method == "HEAD" || r.PathAndQuery.StartsWith("/v2/token", StringComparison.Ordinal), $"{r.Method} {r.PathAndQuery}"));
        Assert.False(Directory.Exists(Path.Combine(bed.Project.Root, "app", "bin")), "no build ran");
    }

    [Fact]
    public async Task ABuildThatFails_NamesTheImageAndQuotesTheCompilerError()
    {
        await using var bed = await ImageTestbed.StartAsync(program: "System.Console.WriteLine(\"unterminated\")\n");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage().ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken));

        Assert.Equal(bed.Reference, error.Resource);
        Assert.Contains("exited with code", error.Reason);
        Assert.Contains("error CS1002", error.Reason);
        Assert.Contains("-t:PublishContainer", error.Fix);
        Assert.DoesNotContain(FakeRegistry.Password, error.Message);
        Assert.Contains(bed.Progress, p => p.Message.Contains("error CS1002", StringComparison.Ordinal));
        Assert.DoesNotContain(bed.Progress, p => p.Message.Contains(FakeRegistry.Password, StringComparison.Ordinal));
        Assert.Empty(bed.Registry.Pushes);
    }

    [Fact]
    public async Task Destroy_LeavesTheImageInTheRegistryAndSaysSo()
    {
        await using var bed = await ImageTestbed.StartAsync();

        var result = await bed.Stage().DestroyAsync(bed.Context(), TestContext.Current.CancellationToken);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.Equal([bed.Reference], result.Objects);
        Assert.StartsWith($"left {bed.Reference} in the registry", result.Message);
        Assert.Empty(bed.Registry.Requests);
    }

    [Fact]
    public async Task TwoImageStagesRunInParallel_BuildOneAtATime_AndBothPush()
    {
        await using var bed = await ImageTestbed.StartAsync();
        using var other = TinyProject.Create();
        var options = new ContainerImageStageOptions { BaseImage = bed.BaseImage, BuildTimeout = TimeSpan.FromMinutes(3) };
        var plan = bed.Plan() with
        {
            ContainerImages =
            [
                new GkePlanContainerImage { Reference = bed.Reference, Project = bed.Project.RelativePath },
                new GkePlanContainerImage { Reference = $"{bed.Registry.Host}/my-project/vllm/other-app:1.2.3", Project = Path.GetRelativePath(bed.Project.Root, Path.Combine(other.Root, other.RelativePath)) },
            ],
        };
        var stages = ContainerImageStageFactory.Create(plan, bed.Project.Root, options);

        var results = await Task.WhenAll(stages.Select(s => Task.Run(() => s.ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken))));

        Assert.All(results, r => Assert.Equal(StageOutcome.Created, r.Outcome));
        Assert.Equal(["my-project/vllm/other-app", ImageTestbed.Repository], bed.Registry.Pushes.Select(p => p.Repository).Order());
        var builds = bed.Progress.Select((p, i) => (p, i)).Where(x => x.p.Message.StartsWith("Restored ", StringComparison.Ordinal) || x.p.Message.StartsWith("Pushed image", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, builds.Count);
        Assert.Equal(builds[0].p.Stage, builds[1].p.Stage);
        Assert.Equal(builds[2].p.Stage, builds[3].p.Stage);
        Assert.Contains(bed.Progress, p => p.Message == "waiting for another image build to finish");
    }

    [Fact]
    public async Task TransientRegistryErrors_AreRetried()
    {
        await using var bed = await ImageTestbed.StartAsync();
        bed.Registry.SeedBaseImage(ImageTestbed.Repository, ImageTestbed.Tag);
        bed.Registry.FailNextRequests(2);

        var result = await bed.Stage().ReconcileAsync(bed.Context(), TestContext.Current.CancellationToken);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.Equal([429, 429, 401, 200, 200], bed.Registry.Requests.Select(r => r.StatusCode));
        Assert.Empty(bed.Registry.Pushes);
    }
}
