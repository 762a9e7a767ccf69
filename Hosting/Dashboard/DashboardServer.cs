using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FluentUI.AspNetCore.Components;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>
/// The local dashboard, served by the AppHost process itself: login by the token printed on the console, then a
/// cookie; a JSON API for scripts with the same token as a bearer token. Binds to loopback unless configured otherwise.
/// </summary>
public sealed class DashboardServer : IHostedService, IAsyncDisposable
{
    /// <summary>The dashboard's default address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:18888";

    private readonly DashboardServices _services;
    private readonly ILogger<DashboardServer> _logger;
    private readonly string _configuredUrl;
    private readonly StartupTimeline _startup;
    private readonly CancellationTokenSource _stopping = new();
    private Task _following = Task.CompletedTask;
    private int _disposed;
    private WebApplication? _app;

    /// <summary>Initializes the server; created by the AppHost's services.</summary>
    /// <param name="configuration">Reads <c>Dashboard:Url</c>, <c>AppHost:BrowserToken</c> and <c>Dashboard:StageEventsToken</c>.</param>
    /// <param name="notifications">The resource states.</param>
    /// <param name="logs">The resources' console output.</param>
    /// <param name="orchestrator">Starts, stops and restarts resources.</param>
    /// <param name="model">The application model.</param>
    /// <param name="httpClientFactory">Clients for Prometheus's HTTP API.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The AppHost's log.</param>
    /// <param name="decisions">The local autoscaler's decisions (registered only when something autoscales).</param>
    public DashboardServer(
        IConfiguration configuration,
        ResourceNotificationService notifications,
        ResourceLoggerService logs,
        ApplicationOrchestrator orchestrator,
        DistributedApplicationModel model,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        ILogger<DashboardServer> logger,
        AutoscalingDecisionStore? decisions = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Stages = new StageEventStore(timeProvider);
        _startup = new StartupTimeline(model, notifications, logs, timeProvider);
        _services = new DashboardServices(notifications, logs, orchestrator, Stages, model, httpClientFactory, _startup, decisions);
        _logger = logger;
        _configuredUrl = configuration["Dashboard:Url"] is { Length: > 0 } url ? url : DefaultUrl;
        Token = new DashboardToken(configuration["AppHost:BrowserToken"]);
        StageEventsToken = new DashboardToken(configuration["Dashboard:StageEventsToken"]);
    }

    /// <summary>Gets the token that logs in and authorises API calls.</summary>
    public DashboardToken Token { get; }

    /// <summary>
    /// Gets the narrower token that only posts stage events (<c>POST /api/stages/events</c>): what the Provisioner
    /// service gets, so it can report stages but not read logs or run actions. Generated per run unless
    /// <c>Dashboard:StageEventsToken</c> is configured.
    /// </summary>
    public DashboardToken StageEventsToken { get; }

    /// <summary>Gets the provisioning stages reported to the dashboard (<c>POST /api/stages/events</c>).</summary>
    public StageEventStore Stages { get; }

    /// <summary>Gets the address the dashboard listens on, once started.</summary>
    public Uri? Url { get; private set; }

    /// <summary>Gets the login URL printed on the console.</summary>
    public Uri? LoginUrl => Url is null ? null : new Uri(Url, $"/login?t={Token.Value}");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(_configuredUrl, UriKind.Absolute, out var configured) || configured.Scheme != Uri.UriSchemeHttp)
        {
            throw new DistributedApplicationException($"Dashboard:Url '{_configuredUrl}' is not an http URL. Use e.g. {DefaultUrl}, or port 0 for a free port.");
        }

        if (!IPAddress.TryParse(configured.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            _logger.LogWarning("The dashboard binds to {Host}, not loopback: anyone who can reach this machine can try to log in. Only the token protects it.", configured.Host);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = DashboardAssets.ApplicationName,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(configured.GetLeftPart(UriPartial.Authority));
        var assets = new DashboardAssets();
        if (!assets.Contains("_framework/blazor.web.js"))
        {
            _logger.LogError("The dashboard's pages will not load: _framework/blazor.web.js is not embedded in VllmAspire.Hosting. Rebuild it (`dotnet build Hosting`) with the Microsoft.AspNetCore.App.Internal.Assets package restored; the JSON API still works.");
        }

        builder.Environment.WebRootFileProvider = assets;
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Circuits live and die with this AppHost run (as its token does), so their keys never touch the disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddFluentUIComponents();
        builder.Services.AddSingleton(_services);
        var app = builder.Build();
        MapEndpoints(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DistributedApplicationException(
                $"The dashboard cannot listen on {configured.GetLeftPart(UriPartial.Authority)}: {e.Message}. Another program (perhaps another AppHost) uses that port. " +
                $"Stop it, or set Dashboard:Url to another address (e.g. `--Dashboard:Url=http://127.0.0.1:0` picks a free port).");
        }

        _app = app;
        // From the first moment, so the start-up page knows every replica start, including those before it is opened.
        _following = _startup.RunAsync(_stopping.Token);
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(listening.Replace("[::]", "localhost", StringComparison.Ordinal));
        _logger.LogInformation("Now listening on: {Url}", Url.GetLeftPart(UriPartial.Authority));
        _logger.LogInformation("Login to the dashboard at {LoginUrl}", LoginUrl);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The host disposes this twice (as itself and as a hosted service); the second call finds nothing to do.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(false);
        _stopping.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void MapEndpoints(WebApplication app)
    {
        app.MapGet("/login", (HttpContext context, string? t) =>
        {
            if (!Token.MatchesToken(t))
            {
                return Results.Content(LoginPage, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }

            context.Response.Cookies.Append(DashboardToken.CookieName, Token.CookieValue, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            return Results.Redirect("/");
        });

        // Everything but /login needs the token: pages, the Blazor circuit, static files and the API.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == "/login")
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (!IsAuthorized(context))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                if (!context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(LoginPage, context.RequestAborted).ConfigureAwait(false);
                }

                return;
            }

            // The circuit runs actions (start, stop, restart), so it must come from the dashboard's own pages.
            if (context.Request.Path.StartsWithSegments("/_blazor") && !SameOrigin.IsSameOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseStaticFiles();
        app.UseAntiforgery();

        DashboardApi.Map(app, _services);
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
    }

    private bool IsAuthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = header["Bearer ".Length..].Trim();
            return Token.MatchesToken(presented)
                || (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == StageEventsPath && StageEventsToken.MatchesToken(presented));
        }

        return Token.MatchesCookie(context.Request.Cookies[DashboardToken.CookieName]);
    }

    private const string StageEventsPath = "/api/stages/events";

    private const string LoginPage = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>VllmAspire dashboard — log in</title></head>
        <body><h1>Log in</h1><p>Open the login link the AppHost printed on its console.</p></body></html>
        """;
}
