using System.Collections;
using Microsoft.Extensions.Logging;

namespace IngestWorker.Telemetry;

/// <summary>
/// Every logger of the host comes from here, and every line passes <see cref="Secrets"/> before any
/// provider (console, JSON, a test's capture) sees it: its message, each structured field, its
/// scopes and its exception's text. The Azure SDK puts a SAS in a client's URI (and so in every
/// line that names the endpoint), and an exception can carry a URL or a connection string; one
/// filter at the root catches those and whatever a later log line adds, where fixing call sites
/// one by one would not. Lines without a secret pass through untouched, fields and exception included.
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> fields && AnySecret(fields)
                ? inner.BeginScope(new RedactedFields(fields, Secrets.Redact(state.ToString() ?? "")))
                : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>>;
            var exceptionLeaks = exception is not null && Secrets.MayContainSecret(exception.ToString());
            if (!Secrets.MayContainSecret(message) && !exceptionLeaks && (fields is null || !AnySecret(fields)))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            inner.Log(logLevel, eventId, new RedactedFields(fields ?? [], Secrets.Redact(message)),
                exceptionLeaks ? new RedactedException(exception!) : exception, static (s, _) => s.ToString());
        }

        private static bool AnySecret(IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            foreach (var (_, value) in fields)
            {
                if (Text(value) is { } text && Secrets.MayContainSecret(text))
                    return true;
            }
            return false;
        }

        // Numbers, dates and the like cannot hold a credential and keep their type. (Not "anything
        // IFormattable": Uri is one, and a client's URI is where a SAS sits.)
        internal static string? Text(object? value) => value switch
        {
            null => null,
            string s => s,
            bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => null,
            _ => value.ToString(),
        };
    }

    /// <summary>The fields of a line or scope with every secret masked; values without one keep their type.</summary>
    private sealed class RedactedFields(IReadOnlyList<KeyValuePair<string, object?>> fields, string text) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => fields.Count;

        public KeyValuePair<string, object?> this[int index]
        {
            get
            {
                var (key, value) = fields[index];
                return RedactingLogger.Text(value) is { } s && Secrets.MayContainSecret(s) ? new(key, Secrets.Redact(s)) : new(key, value);
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
                yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }

    /// <summary>Stands in for an exception whose text holds a secret: the same text, masked, and the same stack.</summary>
    private sealed class RedactedException(Exception original) : Exception(Secrets.Redact(original.Message))
    {
        public override string? StackTrace => original.StackTrace;

        public override string ToString() => Secrets.Redact(original.ToString());
    }
}
