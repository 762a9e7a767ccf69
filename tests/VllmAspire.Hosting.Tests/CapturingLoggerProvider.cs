using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.Tests;

/// <summary>Keeps every message the AppHost logs, with exceptions, so tests can search them.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public string All => string.Join('\n', _messages);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
