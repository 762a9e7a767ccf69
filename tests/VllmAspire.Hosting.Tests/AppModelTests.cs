using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace VllmAspire.Hosting.Tests;

/// <summary>What our integrations add to a model, in a local run and when published, before anything starts.</summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task Local_secrets_are_secret_parameters_of_a_run_and_absent_from_a_published_model()
    {
        var (run, _) = Model([]);
        Assert.Equal(["metrics-adapter-api-token", "prometheus-password", "provisioner-api-token"],
            run.Resources.OfType<ParameterResource>().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(run.Resources.OfType<ParameterResource>(), p => Assert.True(p.Secret, p.Name));

        // Aspire writes a published model's parameters to its deployment state in clear text: none of ours is there,
        // and no published environment asks for one.
        var (published, context) = Model(["--operation", "publish"]);
        Assert.Empty(published.Resources.OfType<ParameterResource>());
        foreach (var resource in published.Resources.OfType<ProjectResource>())
        {
            var configuration = await ExecutionConfigurationBuilder.Create(resource).WithEnvironmentVariablesConfig().BuildAsync(context);
            var names = configuration.EnvironmentVariables.Select(v => v.Key).ToList();
            Assert.DoesNotContain(names, n => n.EndsWith("Token", StringComparison.Ordinal) || n.EndsWith("Password", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_local_run_declares_the_most_replicas_started_on_demand_and_a_child_autoscaler_resource()
    {
        var (run, _) = Model([]);
        var vllm = run.Resources.OfType<VllmResource>().Single();
        Assert.Equal(5, vllm.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        Assert.Single(vllm.Annotations.OfType<ExplicitStartupAnnotation>());
        var hpa = run.Resources.OfType<HorizontalPodAutoscalerResource>().Single();
        Assert.Equal("vllm-hpa", hpa.Name);
        Assert.Same(vllm, hpa.Parent);

        var (published, _) = Model(["--operation", "publish"]);
        var publishedVllm = published.Resources.OfType<VllmResource>().Single();
        Assert.Empty(publishedVllm.Annotations.OfType<ExplicitStartupAnnotation>());
        Assert.Empty(published.Resources.OfType<HorizontalPodAutoscalerResource>());
        Assert.Equal((1, 5), (publishedVllm.Annotations.OfType<AutoscalingAnnotation>().Single().MinReplicas, publishedVllm.Annotations.OfType<AutoscalingAnnotation>().Single().MaxReplicas));
    }

    [Fact]
    public void Every_vllm_replica_is_scraped_on_its_own_port_and_vllm_waits_for_its_weights()
    {
        var (run, _) = Model([]);
        var vllm = run.Resources.OfType<VllmResource>().Single();
        Assert.Equal(VllmResource.PortEnvironmentVariable, vllm.Annotations.OfType<PrometheusScrapeAnnotation>().Single().PortEnvironmentVariable);
        Assert.Contains(vllm.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "weights");
    }

    // The parts of AppHost/Program.cs that run locally.
    private static (DistributedApplicationModel Model, DistributedApplicationExecutionContext Context) Model(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        var weights = builder.AddModelWeights("weights");
        var vllm = builder.AddVllm("vllm").WithModel(weights).WithAutoscaling(minReplicas: 1, maxReplicas: 5);
        var prometheus = builder.AddPrometheus("prometheus");
        builder.AddMetricsAdapter("metrics-adapter").WithReference(prometheus).WithReference(vllm);
        builder.AddProvisioner("provisioner");
        var app = builder.Build();
        return (app.Services.GetRequiredService<DistributedApplicationModel>(), app.Services.GetRequiredService<DistributedApplicationExecutionContext>());
    }
}
