using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Commands;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Otlp;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The Provisioner service's deploy API on loopback: token, one run at a time, stages, dashboard events.</summary>
public sealed class ProvisionerServiceTests : IAsyncDisposable
{
    private const string Token = "provisioner-test-token";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly CallLog _log = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PublishedFolder _folder = new();
    private WebApplication? _app;
    private FakeOtlpCollector? _collector;
    private HttpClient? _http;

    private async Task<HttpClient> StartAsync(params string[] extraArgs)
    {
        // "image" waits for the test to release it, so a run can be held busy for as long as a test needs.
        IReadOnlyList<IProvisioningStage> Stages() =>
        [
            new TestStage("image", _log)
            {
                Reconcile = async (_, ct) =>
                {
                    _started.TrySetResult();
                    await _release.Task.WaitAsync(ct);
                    return new StageResult(StageOutcome.Created, ["compute/v1/projects/my-project/global/images/x"], "created");
                },
            },
            new TestStage("pool", _log, "image"),
        ];

        _app = ServeCommand.Build(
            ["--urls=http://127.0.0.1:0", $"--Provisioner:ApiToken={Token}", "--GOOGLE_OAUTH_ACCESS_TOKEN=test", .. extraArgs],
            services => services.AddSingleton<StageComposer>((_, _) => Stages()));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return _http;
    }

    private async Task<JsonElement> WaitForRunEndAsync(HttpClient http)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var run = await http.GetFromJsonAsync<JsonElement>("/api/run", deadline.Token);
            if (run.GetProperty("state").GetString() != KnownStageStates.Running)
            {
                return run;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    [Theory]
    [InlineData("GET", "/api/stages")]
    [InlineData("GET", "/api/run")]
    [InlineData("POST", "/api/deploy")]
    [InlineData("POST", "/api/destroy")]
    public async Task Every_api_route_answers_401_without_the_token_and_runs_nothing(string method, string path)
    {
        var http = await StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { from = _folder.Root }) : null };
        request.Headers.Authorization = null;
        using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };

        using var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_log.Calls);
    }

    [Fact]
    public async Task A_deploy_runs_in_the_background_a_second_request_gets_409_and_the_stages_are_listed()
    {
        var http = await StartAsync();

        using var first = await http.PostAsJsonAsync("/api/deploy", new { from = _folder.Root });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await _started.Task.WaitAsync(Deadline);

        using var busy = await http.PostAsJsonAsync("/api/destroy", new { from = _folder.Root });
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("A deploy of", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var running = await http.GetFromJsonAsync<JsonElement>("/api/stages");
        Assert.Equal(
            [("image", KnownStageStates.Running), ("pool", KnownStageStates.Pending)],
            running.EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("state").GetString())));

        _release.SetResult();
        var run = await WaitForRunEndAsync(http);
        Assert.Equal(KnownStageStates.Succeeded, run.GetProperty("state").GetString());
        Assert.StartsWith("deploy succeeded: 2 stages: 2 created", run.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var done = await http.GetFromJsonAsync<JsonElement>("/api/stages");
        Assert.All(done.EnumerateArray(), s => Assert.Equal(KnownStageStates.Succeeded, s.GetProperty("state").GetString()));

        // Once the run has ended, another may start.
        using var destroy = await http.PostAsJsonAsync("/api/destroy", new { from = _folder.Root, dryRun = true });
        Assert.Equal(HttpStatusCode.Accepted, destroy.StatusCode);
        Assert.Equal(KnownStageStates.Succeeded, (await WaitForRunEndAsync(http)).GetProperty("state").GetString());
        Assert.Equal(["pool", "image"], _log.StagesThatDid("destroy-end"));
    }

    [Fact]
    public async Task Without_a_folder_in_the_request_or_configuration_the_answer_is_400_naming_both()
    {
        var http = await StartAsync();

        using var response = await http.PostAsync("/api/deploy", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Provisioner:PublishedPath", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_folder_is_the_default_and_a_missing_one_is_400()
    {
        var http = await StartAsync($"--Provisioner:PublishedPath={_folder.Root}");
        _release.SetResult();

        using var response = await http.PostAsync("/api/deploy", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await WaitForRunEndAsync(http);
        Assert.Equal(_folder.Root, run.GetProperty("from").GetString());

        using var missing = await http.PostAsJsonAsync("/api/deploy", new { from = "/no/such/published" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("/no/such/published does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_publishes_its_stages_to_the_dashboard()
    {
        await using var dashboard = await DashboardFixture.StartAsync();
        var http = await StartAsync($"--Dashboard:Url={dashboard.Url}", $"--Dashboard:Token={dashboard.Token}");
        _release.SetResult();

        using var response = await http.PostAsJsonAsync("/api/deploy", new { from = _folder.Root });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForRunEndAsync(http);

        // The run ends once the publisher has flushed, so the dashboard already has every final state.
        var stages = await dashboard.GetStagesAsync();
        Assert.Equal(
            [("image", KnownStageStates.Succeeded), ("pool", KnownStageStates.Succeeded)],
            stages.EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("state").GetString())));
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        // After the service: it sends its last spans as it stops.
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Each_run_is_exported_over_OTLP_as_a_trace_of_its_own_with_a_span_per_stage()
    {
        var collector = _collector = await FakeOtlpCollector.StartAsync();
        var http = await StartAsync([.. collector.Environment.Select(e => $"--{e.Key}={e.Value}")]);
        _release.SetResult();

        using var response = await http.PostAsJsonAsync("/api/deploy", new { from = _folder.Root });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForRunEndAsync(http);

        var spans = await collector.WaitForAsync(
            all => all.Any(s => s.Scope == StageTracing.SourceName && s.Name == "deploy") && all.Any(s => s.Name.StartsWith("POST", StringComparison.Ordinal)),
            Deadline);
        var run = Assert.Single(spans, s => s.Scope == StageTracing.SourceName && s.Name == "deploy");
        // The run outlives the request that started it, so it is a trace of its own rather than a child of POST /api/deploy.
        Assert.Equal("", run.ParentSpanId);
        Assert.DoesNotContain(spans, s => s.Name.StartsWith("POST", StringComparison.Ordinal) && s.TraceId == run.TraceId);
        Assert.Equal(("my-project", "vllm-cluster"), ((string?)run.Attributes[StageTracing.ProjectAttribute], (string?)run.Attributes[StageTracing.ClusterAttribute]));
        var stages = spans.Where(s => s.ParentSpanId == run.SpanId).ToDictionary(s => s.Name);
        Assert.Equal(["image", "pool"], stages.Keys.Order());
        Assert.True(stages["pool"].Start >= stages["image"].End, "pool's span starts before image's ends");
        Assert.Contains(stages["image"].Events, e => (string?)e.Attributes[StageTracing.ObjectPathAttribute] == "compute/v1/projects/my-project/global/images/x");
    }
}
