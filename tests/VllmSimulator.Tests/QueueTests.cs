using System.Net.Http.Json;
using System.Text;

namespace VllmSimulator.Tests;

/// <summary>--max-num-seqs 2 with slow tokens: the scheduler's queue shows exactly in /metrics.</summary>
public sealed class QueueTests(QueueServer server) : IClassFixture<QueueServer>
{
    private const string Labels = "{model_name=\"queued\",engine=\"0\"}";
    private const string Aborts = "vllm:request_success_total{model_name=\"queued\",engine=\"0\",finished_reason=\"abort\"}";
    private const string QueueTimeSum = "vllm:request_queue_time_seconds_sum" + Labels;

    // Ten minutes of tokens (within the context): a holder never finishes on its own, it leaves when its client goes.
    private const int HoldTokens = 4000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(double? Running, double? Waiting)> GaugesAsync()
    {
        var text = await server.Http.GetStringAsync("metrics", Ct);
        return (MetricsText.Value(text, "vllm:num_requests_running" + Labels), MetricsText.Value(text, "vllm:num_requests_waiting" + Labels));
    }

    private async Task<double> CounterAsync(string series) => MetricsText.Value(await server.Http.GetStringAsync("metrics", Ct), series) ?? 0;

    private static Task<HttpResponseMessage> CompleteAsync(HttpClient http, int maxTokens, CancellationToken ct) =>
        http.PostAsync("v1/completions",
            new StringContent($$"""{"model":"queued","prompt":"queue test","max_tokens":{{maxTokens}}}""", Encoding.UTF8, "application/json"), ct);

    /// <summary>
    /// Two requests that take both slots and keep them until <paramref name="holder"/> cancels them (a client going
    /// away, as vLLM sees it): a state built on top of them lasts as long as the test takes to see it.
    /// </summary>
    private async Task<Task<HttpResponseMessage>[]> HoldBothSlotsAsync(HttpClient holder)
    {
        var held = Enumerable.Range(0, 2).Select(_ => CompleteAsync(holder, HoldTokens, Ct)).ToArray();
        await WaitForGaugesAsync((2, 0));
        return held;
    }

    private HttpClient NewHolder() => new() { BaseAddress = server.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    private static async Task LetGoAsync(HttpClient holder, Task<HttpResponseMessage>[] held)
    {
        holder.CancelPendingRequests();
        foreach (var request in held)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }
    }

    private async Task WaitForGaugesAsync((double? Running, double? Waiting) expected) =>
        Assert.True(await SimulatorProcess.PollAsync(async () => await GaugesAsync() == expected, TimeSpan.FromSeconds(30)), $"never saw running/waiting {expected}; last {await GaugesAsync()}");

    private async Task WaitIdleAsync() =>
        Assert.True(await SimulatorProcess.PollAsync(async () => await GaugesAsync() == (0, 0), TimeSpan.FromSeconds(20)), "did not drain");

    [Fact]
    public async Task Six_requests_run_two_at_a_time_and_the_rest_wait()
    {
        await WaitIdleAsync();
        var queueTimeBefore = await CounterAsync(QueueTimeSum);
        using var holder = NewHolder();
        var held = await HoldBothSlotsAsync(holder);

        // Four more wait behind the two running, for as long as the holders stay.
        var requests = Enumerable.Range(0, 4).Select(_ => CompleteAsync(server.Http, 10, Ct)).ToArray();
        await WaitForGaugesAsync((2, 4));

        // The holders go; the four run two at a time (10 tokens at 150 ms each), never more, whatever moment we look.
        await LetGoAsync(holder, held);
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
        // Queue time was recorded for the four that waited: two of them waited a whole 10-token wave (~1.35 s) besides.
        var waited = await CounterAsync(QueueTimeSum) - queueTimeBefore;
        Assert.True(waited > 2.0, $"queue time {waited} s");
    }

    [Fact]
    public async Task A_client_that_disconnects_leaves_the_queue()
    {
        await WaitIdleAsync();
        var abortsBefore = await CounterAsync(Aborts);
        using var holder = NewHolder();
        var held = await HoldBothSlotsAsync(holder);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var queued = CompleteAsync(server.Http, 10, cancel.Token);
        await WaitForGaugesAsync((2, 1));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await WaitForGaugesAsync((2, 0));
        // It counts as an abort, while the two running ones still run.
        Assert.True(await SimulatorProcess.PollAsync(async () => await CounterAsync(Aborts) == abortsBefore + 1, TimeSpan.FromSeconds(30)), $"aborts {await CounterAsync(Aborts)}, before {abortsBefore}");
        Assert.Equal((2, 0), await GaugesAsync());

        // Running requests whose client goes are aborted too, and free their slots.
        await LetGoAsync(holder, held);
        await WaitIdleAsync();
        Assert.Equal(abortsBefore + 3, await CounterAsync(Aborts));
    }
}
