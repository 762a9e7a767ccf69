using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages.Observers;

/// <summary>
/// Sends every stage change to the dashboard (<c>POST /api/stages/events</c> with the dashboard's bearer token) in the
/// background. The deploy never waits on the dashboard and never fails because of it: when it is gone, one warning is
/// logged and the events are dropped.
/// </summary>
internal sealed class DashboardStagePublisher : IStageObserver, IAsyncDisposable
{
    /// <summary>The dashboard's route for stage events.</summary>
    public const string EventsPath = "/api/stages/events";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Uri _events;
    private readonly ILogger _logger;
    private readonly Channel<StageEvent> _queue = Channel.CreateUnbounded<StageEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _sender;
    private int _failures;

    /// <summary>Initializes a new instance of the <see cref="DashboardStagePublisher"/> class and starts sending.</summary>
    /// <param name="dashboard">The dashboard's base URL, e.g. <c>http://127.0.0.1:18888</c>.</param>
    /// <param name="token">The dashboard's API token.</param>
    /// <param name="logger">Where an unreachable dashboard is reported.</param>
    /// <param name="handler">The HTTP handler (tests may pass their own).</param>
    public DashboardStagePublisher(Uri dashboard, string token, ILogger logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _logger = logger;
        _events = new Uri(dashboard, EventsPath);
        // A dashboard that hangs must not keep events queued for long; each post gets a few seconds.
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(5) };
        // The dashboard lets a caller without Origin or Sec-Fetch-Site headers act when it presents the bearer token;
        // HttpClient sends neither, so the token alone authorises these posts.
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _sender = Task.Run(SendAsync);
    }

    /// <summary>Gets how many events the dashboard accepted.</summary>
    public int Sent { get; private set; }

    /// <summary>Gets how many events could not be delivered.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Creates a publisher from <c>Dashboard:Url</c> and <c>Dashboard:Token</c>, or null when either is not set.</summary>
    /// <param name="url">The configured URL.</param>
    /// <param name="token">The configured token.</param>
    /// <param name="logger">The logger.</param>
    /// <returns>The publisher, or null.</returns>
    /// <exception cref="ArgumentException">The URL is set but is not an http(s) URL.</exception>
    public static DashboardStagePublisher? Create(string? url, string? token, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(url) || string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Dashboard:Url '{url}' is not an http(s) URL; give the dashboard's address, e.g. http://127.0.0.1:18888, or leave it unset.", nameof(url));
        }

        return new DashboardStagePublisher(uri, token, logger);
    }

    /// <inheritdoc />
    public void OnStageChanged(StageStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _queue.Writer.TryWrite(status.ToEvent());
    }

    /// <summary>Sends what is queued, waiting at most <paramref name="timeout"/>, then stops.</summary>
    /// <param name="timeout">The longest wait for the dashboard.</param>
    /// <returns>A task that completes when everything is sent or the time is up.</returns>
    public async Task FlushAsync(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_sender, Task.Delay(timeout)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FlushAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _http.Dispose();
    }

    private async Task SendAsync()
    {
        await foreach (var stageEvent in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(_events, stageEvent, Json).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Sent++;
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                Failed($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException)
            {
                Failed(e.Message);
            }
        }
    }

    private void Failed(string reason)
    {
        // One warning is enough to tell the user; the deploy carries on either way.
        if (Interlocked.Increment(ref _failures) == 1)
        {
            _logger.LogWarning("The dashboard at {Url} did not take a stage event ({Reason}); the deploy continues without it. Check Dashboard:Url and Dashboard:Token.", _events, reason);
        }
    }
}
