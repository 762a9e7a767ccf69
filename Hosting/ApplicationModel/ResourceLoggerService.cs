using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Keeps every resource's console output in a bounded buffer and streams new lines to watchers.</summary>
/// <param name="timeProvider">The clock for line timestamps.</param>
/// <param name="capacity">Lines kept per resource; older ones are dropped.</param>
public sealed class ResourceLoggerService(TimeProvider timeProvider, int capacity = ResourceLoggerService.DefaultCapacity)
{
    /// <summary>The default number of lines kept per resource.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Dictionary<string, ResourceLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Appends a line to a resource's log.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="source">The replica that wrote it.</param>
    /// <param name="text">The text.</param>
    /// <param name="isError">Whether it came from standard error.</param>
    public void WriteLine(string resourceName, string source, string text, bool isError = false)
    {
        var log = GetLog(resourceName);
        lock (log)
        {
            var line = new LogLine(++log.Count, timeProvider.GetUtcNow(), source, text, isError);
            if (log.Lines.Count == capacity)
            {
                log.Lines.Dequeue();
            }

            log.Lines.Enqueue(line);
            foreach (var watcher in log.Watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>Gets the kept lines of a resource, optionally only the last <paramref name="tail"/>.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="tail">How many of the newest lines to return, or all.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<LogLine> GetLines(string resourceName, int? tail = null)
    {
        var log = GetLog(resourceName);
        lock (log)
        {
            var skip = tail is { } t ? Math.Max(0, log.Lines.Count - t) : 0;
            return [.. log.Lines.Skip(skip)];
        }
    }

    /// <summary>Streams the kept lines of a resource and then every new line, until cancelled.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The lines.</returns>
    public async IAsyncEnumerable<LogLine> WatchAsync(string resourceName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var log = GetLog(resourceName);
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (log)
        {
            foreach (var line in log.Lines)
            {
                channel.Writer.TryWrite(line);
            }

            log.Watchers.Add(channel);
        }

        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return line;
            }
        }
        finally
        {
            lock (log)
            {
                log.Watchers.Remove(channel);
            }
        }
    }

    /// <summary>Gets a logger whose messages appear in a resource's console log (for messages from the AppHost about it).</summary>
    /// <param name="resourceName">The resource.</param>
    /// <returns>The logger.</returns>
    public ILogger GetLogger(string resourceName) => new ResourceLogger(this, resourceName);

    private ResourceLog GetLog(string resourceName)
    {
        lock (_lock)
        {
            if (!_logs.TryGetValue(resourceName, out var log))
            {
                log = new ResourceLog();
                _logs[resourceName] = log;
            }

            return log;
        }
    }

    private sealed class ResourceLog
    {
        public long Count { get; set; }

        public Queue<LogLine> Lines { get; } = new();

        public List<Channel<LogLine>> Watchers { get; } = [];
    }

    private sealed class ResourceLogger(ResourceLoggerService service, string resourceName) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            service.WriteLine(resourceName, resourceName, exception is null ? message : $"{message} {exception.Message}", logLevel >= LogLevel.Warning);
        }
    }
}
