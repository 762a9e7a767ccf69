using System.Net.Http.Json;
using System.Text;

namespace VllmSimulator.Tests;

/// <summary>--max-num-seqs 2 with slow tokens: the scheduler's queue shows exactly in /metrics.</summary>
public sealed class QueueTests(QueueServer server) : IClassFixture<QueueServer>
{
    private const string Labels = "{model_name=\"queued\",engine=\"0\"}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(double? Running, double? Waiting)> GaugesAsync()
    {
        var text = await server.Http.GetStringAsync("metrics", Ct);
        return (MetricsText.Value(text, "vllm:num_requests_running" + Labels), MetricsText.Value(text, "vllm:num_requests_waiting" + Labels));
    }

    private Task<HttpResponseMessage> CompleteAsync(int maxTokens, CancellationToken ct) =>
        server.Http.PostAsync("v1/completions",
            new StringContent($$"""{"model":"queued","prompt":"queue test","max_tokens":{{maxTokens}}}""", Encoding.UTF8, "application/json"), ct);

    private async Task WaitIdleAsync() =>
        Assert.True(await SimulatorProcess.PollAsync(async () => await GaugesAsync() == (0, 0), TimeSpan.FromSeconds(20)), "did not drain");

    [Fact]
    public async Task Six_requests_run_two_at_a_time_and_the_rest_wait()
    {
        await WaitIdleAsync();
        // 10 tokens at 150 ms each: every wave lasts ~1.35 s, long enough to be seen by polling.
        var requests = Enumerable.Range(0, 6).Select(_ => CompleteAsync(10, Ct)).ToArray();

        var seen = await SimulatorProcess.PollAsync(async () => await GaugesAsync() == (2, 4), TimeSpan.FromSeconds(15));
        Assert.True(seen, $"never saw running 2 / waiting 4; last {await GaugesAsync()}");

        // Never more than two run, whatever moment we look.
        var over = false;
        var all = Task.WhenAll(requests);
        while (!all.IsCompleted)
        {
            var (running, waiting) = await GaugesAsync();
            over |= running > 2 || running + waiting > 6;
            await Task.WhenAny(all, Task.Delay(50, Ct));
        }

        Assert.False(over);
        foreach (var r in await all)
        {
            Assert.True(r.IsSuccessStatusCode);
            var body = await r.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
            Assert.Equal(10, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            r.Dispose();
        }

        await WaitIdleAsync();
        var text = await server.Http.GetStringAsync("metrics", Ct);
        // Queue time was recorded for the four that waited (the histogram's sum is well above zero).
        Assert.True(MetricsText.Value(text, "vllm:request_queue_time_seconds_sum" + Labels) > 1.0, text);
    }

    [Fact]
    public async Task A_client_that_disconnects_leaves_the_queue()
    {
        await WaitIdleAsync();
        var running = Enumerable.Range(0, 2).Select(_ => CompleteAsync(20, Ct)).ToArray();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var queued = CompleteAsync(20, cancel.Token);
        Assert.True(await SimulatorProcess.PollAsync(async () => await GaugesAsync() == (2, 1), TimeSpan.FromSeconds(15)), $"last {await GaugesAsync()}");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.True(await SimulatorProcess.PollAsync(async () => await GaugesAsync() == (2, 0), TimeSpan.FromSeconds(10)), $"last {await GaugesAsync()}");

        foreach (var r in await Task.WhenAll(running))
        {
            r.Dispose();
        }

        await WaitIdleAsync();
        var text = await server.Http.GetStringAsync("metrics", Ct);
        Assert.True(MetricsText.Value(text, "vllm:request_success_total{model_name=\"queued\",engine=\"0\",finished_reason=\"abort\"}") >= 1, text);
    }
}
