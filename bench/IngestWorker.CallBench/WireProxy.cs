using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>One kind of storage request as seen on the wire: what it touched, what it did, what storage answered.</summary>
internal readonly record struct CallKind(string Area, string Operation, int Status)
{
    public override string ToString() => $"{Area} {Operation} {Status}";
}

/// <summary>
/// A loopback TCP proxy in front of one Azurite endpoint (blob or queue) that counts every HTTP
/// request passing through it, by <see cref="CallKind"/>. It forwards bytes unchanged (so Shared Key
/// signatures stay valid) and reads only the framing of HTTP/1.1: request and status lines, headers,
/// Content-Length or chunked bodies. Responses come back in request order on one connection (the
/// .NET client does not pipeline), so each response is paired with the oldest unanswered request.
/// </summary>
internal sealed class WireProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly Func<string, string, IReadOnlyDictionary<string, string>, (string Area, string Operation)> _classify;
    private readonly ConcurrentDictionary<CallKind, long> _counts = new();
    private readonly Action<CallKind, string>? _answered;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _lastWork = BenchClock.Now;

    /// <summary>
    /// Requests a worker sends while it has nothing to do: listings of scans, empty receives,
    /// queue-depth probes, renewals of the scan leader's lease. Any other request means work.
    /// </summary>
    private static readonly HashSet<string> IdleOperations = ["list", "receive", "peek", "properties", "lease-renew"];

    /// <param name="classify">(method, request target, headers with lower-case names) → (area, operation).</param>
    /// <param name="answered">Told of every answered request with its target, when the answer has passed.</param>
    public WireProxy(int targetPort, Func<string, string, IReadOnlyDictionary<string, string>, (string Area, string Operation)> classify,
        Action<CallKind, string>? answered = null)
    {
        _targetPort = targetPort;
        _classify = classify;
        _answered = answered;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>When the last request other than an idle one was answered (<see cref="BenchClock"/> ms): quiet means the work is over.</summary>
    public long LastWork => Interlocked.Read(ref _lastWork);

    public Dictionary<CallKind, long> Snapshot() => _counts.ToDictionary();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            client.NoDelay = true;
            upstream.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            var pending = new ConcurrentQueue<(CallKind Kind, string Target, bool Head)>();
            var fromClient = client.GetStream();
            var toStorage = upstream.GetStream();
            var requests = PumpRequestsAsync(new HttpFraming(fromClient, toStorage), pending);
            var responses = PumpResponsesAsync(new HttpFraming(toStorage, fromClient), pending);
            await Task.WhenAny(requests, responses);
            // One side closed: close both, and count what never got an answer as status 0.
            client.Close();
            upstream.Close();
            await Task.WhenAll(requests, responses);
            while (pending.TryDequeue(out var unanswered))
                Count(unanswered.Kind with { Status = 0 });
        }
    }

    private async Task PumpRequestsAsync(HttpFraming framing, ConcurrentQueue<(CallKind Kind, string Target, bool Head)> pending)
    {
        try
        {
            while (await framing.ReadHeadAsync(_stop.Token) is { } head)
            {
                var (method, target, headers) = head;
                var (area, operation) = _classify(method, target, headers);
                pending.Enqueue((new CallKind(area, operation, 0), target, method == "HEAD"));
                await framing.CopyBodyAsync(headers, bodyless: false, _stop.Token);
                await framing.FlushAsync(_stop.Token);
            }
        }
        catch (Exception)
        {
            // A closed socket or a cancelled read ends this connection only.
        }
    }

    private async Task PumpResponsesAsync(HttpFraming framing, ConcurrentQueue<(CallKind Kind, string Target, bool Head)> pending)
    {
        try
        {
            while (await framing.ReadHeadAsync(_stop.Token) is { } head)
            {
                var (_, statusText, headers) = head;
                var status = int.Parse(statusText, System.Globalization.CultureInfo.InvariantCulture);
                if (status is >= 100 and < 200)
                {
                    await framing.FlushAsync(_stop.Token);
                    continue; // 100 Continue: an interim answer, the real one follows.
                }
                if (!pending.TryDequeue(out var request))
                    throw new InvalidOperationException("A response arrived with no request waiting for it.");
                await framing.CopyBodyAsync(headers, bodyless: request.Head || status is 204 or 304, _stop.Token);
                await framing.FlushAsync(_stop.Token);
                Count(request.Kind with { Status = status });
                _answered?.Invoke(request.Kind with { Status = status }, request.Target);
            }
        }
        catch (Exception)
        {
            // A closed socket or a cancelled read ends this connection only.
        }
    }

    private void Count(CallKind kind)
    {
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (!IdleOperations.Contains(kind.Operation))
            Interlocked.Exchange(ref _lastWork, BenchClock.Now);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }
}

/// <summary>Reads HTTP/1.1 messages from one stream and forwards every byte read to another.</summary>
internal sealed class HttpFraming(Stream source, Stream sink)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _forwarded; // Bytes before this index have been written to the sink.
    private int _start;     // Bytes before this index have been read (consumed).
    private int _end;

    /// <returns>The start line's first two words (method and target, or version and status) and the headers; null at end of stream.</returns>
    public async Task<(string First, string Second, Dictionary<string, string> Headers)?> ReadHeadAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(ct);
            if (line is null)
                return null;
            if (line.Length == 0)
            {
                if (lines.Count == 0)
                    continue; // Stray CRLF between messages.
                break;
            }
            lines.Add(line);
        }
        var start = lines[0].Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in lines.Skip(1))
        {
            var colon = header.IndexOf(':');
            if (colon > 0)
                headers[header[..colon].Trim().ToLowerInvariant()] = header[(colon + 1)..].Trim();
        }
        return (start[0], start.Length > 1 ? start[1] : "", headers);
    }

    public async Task CopyBodyAsync(IReadOnlyDictionary<string, string> headers, bool bodyless, CancellationToken ct)
    {
        if (bodyless)
            return;
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var sizeLine = await ReadLineAsync(ct) ?? throw new EndOfStreamException();
                var size = Convert.ToInt64(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    // Trailers, then an empty line.
                    while (!string.IsNullOrEmpty(await ReadLineAsync(ct)))
                    {
                    }
                    return;
                }
                await CopyAsync(size, ct);
                await ReadLineAsync(ct);
            }
        }
        if (headers.TryGetValue("content-length", out var length))
            await CopyAsync(long.Parse(length, System.Globalization.CultureInfo.InvariantCulture), ct);
        // Neither: a request has no body; a response without a length would run to the close,
        // which neither Azurite nor the client does on a kept-alive connection.
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                var line = Encoding.Latin1.GetString(_buffer, _start, length > 0 && _buffer[newline - 1] == '\r' ? length - 1 : length);
                _start = newline + 1;
                return line;
            }
            if (!await FillAsync(ct))
                return null;
        }
    }

    private async Task CopyAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_end == _start && !await FillAsync(ct))
                throw new EndOfStreamException();
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    /// <summary>
    /// Writes what was read since the last flush. Reads are forwarded in pieces this size rather than
    /// line by line; and every wait for more input flushes first, so no message is held back.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_start > _forwarded)
            await sink.WriteAsync(_buffer.AsMemory(_forwarded, _start - _forwarded), ct);
        _forwarded = _start;
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        await FlushAsync(ct);
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _forwarded = 0;
        }
        if (_end == _buffer.Length)
            throw new InvalidDataException("An HTTP line longer than the proxy's buffer.");
        var read = await source.ReadAsync(_buffer.AsMemory(_end), ct);
        _end += read;
        return read > 0;
    }
}

/// <summary>One clock for the whole bench: milliseconds since it started.</summary>
internal static class BenchClock
{
    private static readonly long Origin = System.Diagnostics.Stopwatch.GetTimestamp();

    public static long Now => (long)System.Diagnostics.Stopwatch.GetElapsedTime(Origin).TotalMilliseconds;
}
