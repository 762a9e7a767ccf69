using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Testing.Aspire;

namespace VllmAspire.Hosting.Tests;

/// <summary>Model weights as a custom resource in a local run: prepared once, and a bad folder fails with its fix.</summary>
public sealed class ModelWeightsTests
{
    [Fact]
    public async Task The_sample_model_is_generated_and_ready_and_a_folder_without_weights_fails_saying_how_to_fix_it()
    {
        await using var run = await RunningApp.StartAsync(builder =>
        {
            builder.AddModelWeights("weights");
            builder.AddModelWeights("broken").RunAsLocalFolder("/nonexistent/vllm-aspire-weights");
        });

        var ready = await run.WaitForAsync("weights", s => s.State?.Text == KnownResourceStates.Running, "Running");
        Assert.True(RunningApp.IsHealthy(ready.Snapshot), "a custom resource Running without health checks counts as healthy, so WaitFor(weights) holds until then");
        var properties = ready.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value);
        var path = Assert.IsType<string>(properties["weights.path"]);
        Assert.StartsWith(run.DataDirectory, path, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(path, "config.json")));
        Assert.Equal(2, Directory.GetFiles(path, "*.safetensors").Length);
        Assert.Equal(true, properties["weights.sample"]);
        Assert.Equal(ModelWeightsBuilderExtensions.ResourceType, ready.Snapshot.ResourceType);

        await run.WaitForAsync("broken", s => s.State?.Text == KnownResourceStates.FailedToStart, "FailedToStart");
        Assert.Contains(await run.LogsAsync("broken"), l =>
            l.Contains("folder '/nonexistent/vllm-aspire-weights' has no *.safetensors files", StringComparison.Ordinal) && l.Contains("RunAsLocalFolder", StringComparison.Ordinal));
    }
}
