using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>Keeps recently queried pods' scrapes fresh in the background (<see cref="ShimOptions.KeepFresh"/>).</summary>
internal sealed class ScrapeRefresher(IMetricSource source, IOptions<ShimOptions> options, TimeProvider time, ILogger<ScrapeRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is not ScrapeMetricSource scrapes || options.Value.KeepFresh <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.KeepFresh, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await scrapes.RefreshAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Background scrape refresh failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
