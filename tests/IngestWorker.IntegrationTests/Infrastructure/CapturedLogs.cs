using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <param name="State">The line's structured fields, as a JSON formatter would write them.</param>
/// <param name="Exception">The exception as a console formatter prints it (type, message, stack, inner exceptions).</param>
public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope,
    IReadOnlyDictionary<string, object?>? State = null, string? Exception = null, EventId EventId = default);

/// <summary>Keeps every log line with the fields of all its scopes, so tests can check what a user could filter on.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((value, fields) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, v) in pairs)
                        fields[key] = v;
                }
            }, scope);
            var fields = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    fields[key] = value;
            }
            owner.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), scope, fields, exception?.ToString(), eventId));
        }
    }
}
