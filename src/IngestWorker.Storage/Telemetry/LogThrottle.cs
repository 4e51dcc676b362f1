namespace IngestWorker.Telemetry;

/// <summary>
/// Lets one line of a kind through per window and counts the rest, for events that come in floods
/// when something is down: an 8 s storage outage once logged 260–860 retry warnings, one per
/// retried call, burying the line that said what was wrong. Metrics still count every event.
/// </summary>
public sealed class LogThrottle(TimeSpan window, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private long _suppressed;
    private DateTimeOffset _nextLine = DateTimeOffset.MinValue;

    /// <summary>Whether to log this event; if so, <paramref name="suppressed"/> is how many were held back since the last line.</summary>
    public bool TryLog(out long suppressed)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (now < _nextLine)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }
            _nextLine = now + window;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
