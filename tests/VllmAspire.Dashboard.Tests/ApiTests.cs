using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Dashboard.Tests;

public class ApiTests
{
    [Fact]
    public async Task LogsApiReturnsTheTailOfARealProcessAndRejectsBadInput()
    {
        await using var d = await DashboardApp.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            d.App.ResourceLogs.WriteLine("api", "api-0", $"numbered line {i}");
        }

        using var response = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources/api/logs?tail=3"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        Assert.Equal(["numbered line 2", "numbered line 3", "numbered line 4"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.All(lines, l => Assert.Equal("api-0", l.GetProperty("source").GetString()));

        using var all = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources/api/logs"));
        var text = await all.Content.ReadAsStringAsync();
        // The real child's own start line, from each replica's stdout.
        Assert.Contains("TestService started pid=", text);

        using var noToken = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources/api/logs", token: false));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        using var unknown = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources/nope/logs"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'nope'", await unknown.Content.ReadAsStringAsync());

        foreach (var bad in new[] { "0", "-1", "abc", "10001" })
        {
            using var badTail = await d.Http.SendAsync(d.Request(HttpMethod.Get, $"/api/resources/api/logs?tail={bad}"));
            Assert.Equal(HttpStatusCode.BadRequest, badTail.StatusCode);
            Assert.Contains($"'{bad}'", await badTail.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task ProvisionerActionsNeedTheTokenAndSameOrigin_AndSayWhenTheModelHasNoProvisioner()
    {
        await using var d = await DashboardApp.StartAsync();

        using var noToken = await d.Http.SendAsync(d.Request(HttpMethod.Post, "/api/provisioner/deploy", token: false));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        using (var crossSite = d.Request(HttpMethod.Post, "/api/provisioner/destroy"))
        {
            crossSite.Headers.Add("Origin", "http://evil.example");
            using var refused = await d.Http.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var none = await d.Http.SendAsync(d.Request(HttpMethod.Post, "/api/provisioner/deploy?dryRun=true"));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("AddProvisioner", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartNeedsTheTokenAndSameOriginAndReplacesTheProcesses()
    {
        await using var d = await DashboardApp.StartAsync();
        d.App.ResourceNotifications.TryGetCurrentState("api", out var before);
        var pids = before!.Snapshot.Replicas.Select(r => r.ProcessId).ToArray();

        using var noToken = await d.Http.SendAsync(d.Request(HttpMethod.Post, "/api/resources/api/restart", token: false));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        using (var crossSite = d.Request(HttpMethod.Post, "/api/resources/api/restart"))
        {
            crossSite.Headers.Add("Origin", "http://evil.example");
            using var refused = await d.Http.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var cookieOnly = d.Request(HttpMethod.Post, "/api/resources/api/restart", token: false))
        {
            // A login cookie without an Origin header is not a request from the dashboard's own page.
            cookieOnly.Headers.Add("Cookie", $"{DashboardToken.CookieName}={d.Server.Token.CookieValue}");
            using var refused = await d.Http.SendAsync(cookieOnly);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        d.App.ResourceNotifications.TryGetCurrentState("api", out var untouched);
        Assert.Equal(pids, untouched!.Snapshot.Replicas.Select(r => r.ProcessId));

        using (var sameOrigin = d.Request(HttpMethod.Post, "/api/resources/api/restart", token: false))
        {
            sameOrigin.Headers.Add("Cookie", $"{DashboardToken.CookieName}={d.Server.Token.CookieValue}");
            sameOrigin.Headers.Add("Origin", d.Url.GetLeftPart(UriPartial.Authority));
            using var restarted = await d.Http.SendAsync(sameOrigin);
            Assert.Equal(HttpStatusCode.OK, restarted.StatusCode);
        }

        var after = await d.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.Replicas.Length == 2 && s.Replicas.All(r => r.ProcessId is not null));
        Assert.Empty(after.Snapshot.Replicas.Select(r => r.ProcessId).Intersect(pids));

        using var parameter = await d.Http.SendAsync(d.Request(HttpMethod.Post, "/api/resources/api-key/restart"));
        Assert.Equal(HttpStatusCode.Conflict, parameter.StatusCode);
        using var unknown = await d.Http.SendAsync(d.Request(HttpMethod.Post, "/api/resources/nope/restart"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task TheLiveCircuitIsOnlyOpenedFromTheDashboardsOwnOrigin()
    {
        await using var d = await DashboardApp.StartAsync();
        var cookie = $"{DashboardToken.CookieName}={d.Server.Token.CookieValue}";

        async Task<HttpStatusCode> NegotiateAsync(string? origin, bool withCookie = true)
        {
            using var request = d.Request(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", token: false);
            if (withCookie)
            {
                request.Headers.Add("Cookie", cookie);
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await d.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(d.Url.GetLeftPart(UriPartial.Authority), withCookie: false));
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync("http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync(origin: null));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(d.Url.GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public async Task StageEventsAreValidatedFoldedPerStageAndListed()
    {
        await using var d = await DashboardApp.StartAsync();
        var start = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);

        async Task<HttpResponseMessage> PostAsync(object body, bool token = true)
        {
            var request = d.Request(HttpMethod.Post, "/api/stages/events", token);
            request.Content = JsonContent.Create(body);
            return await d.Http.SendAsync(request);
        }

        using (var created = await PostAsync(new { name = "node-pool", state = "Running", start, message = "creating", objects = new[] { "container/v1/projects/p/locations/l/clusters/c/nodePools/vllm-pool" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var done = await PostAsync(new { name = "node-pool", state = "Succeeded", end = start.AddMinutes(3), objects = new[] { "compute/v1/projects/p/global/images/cache" } }))
        {
            Assert.Equal(HttpStatusCode.Created, done.StatusCode);
        }

        using (var pending = await PostAsync(new { name = "weights-disk", state = "Pending" }))
        {
            Assert.Equal(HttpStatusCode.Created, pending.StatusCode);
        }

        using var noToken = await PostAsync(new { name = "x", state = "Running" }, token: false);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        using var badState = await PostAsync(new { name = "x", state = "Done" });
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("'Done'", await badState.Content.ReadAsStringAsync());
        using var noName = await PostAsync(new { state = "Running" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Contains("'name'", await noName.Content.ReadAsStringAsync());
        using var backwards = await PostAsync(new { name = "x", state = "Succeeded", start, end = start.AddSeconds(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        var notJson = d.Request(HttpMethod.Post, "/api/stages/events");
        notJson.Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var notJsonResponse = await d.Http.SendAsync(notJson);
        Assert.Equal(HttpStatusCode.BadRequest, notJsonResponse.StatusCode);

        using var list = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/stages"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var stages = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        Assert.Equal(["node-pool", "weights-disk"], stages.Select(s => s.GetProperty("name").GetString()));
        var pool = stages[0];
        Assert.Equal("Succeeded", pool.GetProperty("state").GetString());
        Assert.Equal(start, pool.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(start.AddMinutes(3), pool.GetProperty("end").GetDateTimeOffset());
        Assert.Equal("creating", pool.GetProperty("message").GetString());
        Assert.Equal(2, pool.GetProperty("objects").GetArrayLength());
        Assert.Equal(2, pool.GetProperty("events").GetInt32());
        Assert.Equal(JsonValueKind.Null, stages[1].GetProperty("start").ValueKind);
    }
}
