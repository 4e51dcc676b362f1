using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>What the proxy does to a request instead of passing it through.</summary>
public enum FaultKind
{
    /// <summary>Answers 500 InternalError; the request never reaches storage.</summary>
    InternalError,

    /// <summary>Answers 503 ServerBusy; the request never reaches storage.</summary>
    ServerBusy,

    /// <summary>Never answers; the request never reaches storage. Only the client's own timeout ends it.</summary>
    Timeout,

    /// <summary>
    /// Storage carries the request out, but its answer is replaced by a 500 or by a dropped
    /// connection: the client sees a failure for something that happened.
    /// </summary>
    ResponseLost,
}

/// <summary>One request as the proxy handled it.</summary>
/// <param name="Target">The request target as sent: escaped path and query.</param>
/// <param name="StorageStatus">The status storage answered with; null when the request was not passed on.</param>
/// <param name="BodySha256">SHA-256 (hex) of the request body; null when it had none.</param>
public sealed record ProxiedRequest(string Method, string Target, FaultKind? Fault, int? StorageStatus, string? BodySha256)
{
    /// <summary>The unescaped path, e.g. <c>/devstoreaccount1/container/a/b.txt</c>.</summary>
    public string Path => Uri.UnescapeDataString(Target.Split('?', 2)[0]);

    public string Query => Target.Contains('?') ? Target[Target.IndexOf('?')..] : "";
}

/// <summary>
/// An HTTP/1.1 proxy between a storage client and Azurite that fails a share of the requests the
/// way a real storage account and network fail: 500s and 503s, requests that hang until the
/// client gives up, and — the case that tests idempotency — requests that storage carried out but
/// whose answer never arrived, so the client retries something that already happened.
/// </summary>
/// <remarks>
/// It is a plain socket server rather than HttpListener so it can do what a broken network does
/// (hold a request forever, drop a connection after storage answered) and pass headers byte for
/// byte. Requests are forwarded with every header: SharedKey signatures cover the path, the query,
/// Content-* and x-ms-* headers but not Host, so a client that signed for the proxy's address is
/// still authorised by Azurite. Faults are drawn from a seeded random source so a failing run can
/// be repeated with the same mix, though the order in which concurrent requests draw varies.
/// Everything is recorded (<see cref="Requests"/>) so tests can check that faults really happened
/// and what reached storage.
/// </remarks>
public sealed class FaultProxy : IAsyncDisposable
{
    // Not forwarded either way: they describe one connection, not the request. Host is set by the
    // forwarding client for Azurite's address; Expect is answered by the proxy itself.
    private static readonly HashSet<string> ConnectionHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Host", "Expect", "Content-Length",
    };

    private readonly TcpListener _listener;
    private readonly string _storage;
    private readonly HttpClient _forwarder;
    private readonly Random _random;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly long[] _faults = new long[Enum.GetValues<FaultKind>().Length];
    private readonly Task _accepting;
    private double _faultRate;
    private IReadOnlyList<FaultKind> _kinds = Enum.GetValues<FaultKind>();
    private Func<string, string, bool>? _targets;
    private long _requestsSeen;
    private long _droppedConnections;

    private FaultProxy(string storageConnectionString, int seed, string endpointKey)
    {
        var fronted = new Uri(ConnectionStringValue(storageConnectionString, endpointKey)
            ?? throw new ArgumentException($"The connection string has no {endpointKey}; the proxy needs one to forward to (Azurite's form).", nameof(storageConnectionString)));
        _storage = fronted.GetLeftPart(UriPartial.Authority);
        _random = new Random(seed);
        _forwarder = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            // Header bytes pass through unchanged, whatever their encoding.
            RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        ConnectionString = WithEndpoint(storageConnectionString, endpointKey, new Uri(Endpoint, fronted.AbsolutePath).ToString().TrimEnd('/'));
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a proxy in front of the blob endpoint of <paramref name="storageConnectionString"/>, with faults off.</summary>
    public static FaultProxy Start(string storageConnectionString, int seed = 1) => new(storageConnectionString, seed, "BlobEndpoint");

    /// <summary>Starts a proxy in front of the queue endpoint of <paramref name="storageConnectionString"/>, with faults off.</summary>
    public static FaultProxy StartForQueues(string storageConnectionString, int seed = 1) => new(storageConnectionString, seed, "QueueEndpoint");

    /// <summary>Where the proxy listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The storage connection string with its BlobEndpoint moved to the proxy; same account and key.</summary>
    public string ConnectionString { get; }

    /// <summary>The share of requests (0 to 1) that get a fault. Can be changed while clients are running.</summary>
    public double FaultRate
    {
        get { lock (_random) return _faultRate; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            lock (_random) _faultRate = value;
        }
    }

    /// <summary>
    /// Which requests may get a fault, by method and unescaped path (as <see cref="ProxiedRequest.Path"/>);
    /// every request when null. Called once per request, so it may keep state of its own.
    /// </summary>
    public Func<string, string, bool>? Targets
    {
        get { lock (_random) return _targets; }
        set { lock (_random) _targets = value; }
    }

    /// <summary>The kinds a fault is drawn from, with equal chance. All kinds unless set.</summary>
    public IReadOnlyList<FaultKind> Kinds
    {
        get { lock (_random) return _kinds; }
        set
        {
            if (value.Count == 0)
                throw new ArgumentException("At least one kind of fault is needed; set FaultRate to 0 for none.", nameof(value));
            lock (_random) _kinds = value.ToArray();
        }
    }

    /// <summary>
    /// How long a <see cref="FaultKind.Timeout"/> request is held before the proxy closes the
    /// connection, if the client has not given up first. Long, so that it is the client's timeout
    /// that ends it.
    /// </summary>
    public TimeSpan TimeoutHold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests received in full, faulted or not.</summary>
    public long RequestsSeen => Interlocked.Read(ref _requestsSeen);

    public long FaultsInjected(FaultKind kind) => Interlocked.Read(ref _faults[(int)kind]);

    public long FaultsInjectedTotal => Enum.GetValues<FaultKind>().Sum(FaultsInjected);

    /// <summary>Of the <see cref="FaultKind.ResponseLost"/> faults, those that ended in a dropped connection rather than a 500.</summary>
    public long DroppedConnections => Interlocked.Read(ref _droppedConnections);

    /// <summary>Every request handled so far, in the order they were finished.</summary>
    public IReadOnlyList<ProxiedRequest> Requests => _requests.ToArray();

    /// <summary>
    /// The uploads into <paramref name="containers"/> that storage carried out (201), by blob name:
    /// the SHA-256 of each body, in order. One entry per name means each was written once.
    /// </summary>
    public static Dictionary<string, List<string?>> BlobWrites(IEnumerable<ProxiedRequest> requests, IReadOnlyCollection<string> containers) =>
        requests
            .Where(r => r is { Method: "PUT", StorageStatus: 201 } && !r.Query.Contains("comp=", StringComparison.Ordinal))
            .Select(r => (Request: r, Segments: r.Path.Split('/', 4)))
            .Where(w => w.Segments.Length == 4 && containers.Contains(w.Segments[2]))
            .GroupBy(w => w.Segments[3])
            .ToDictionary(g => g.Key, g => g.Select(w => w.Request.BodySha256).ToList());

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var socket in _connections.Keys)
            socket.Dispose();
        try
        {
            await Task.WhenAll(_connections.Values.Append(_accepting)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A connection stuck in a forward that ignores cancellation; the process ends it.
        }
        _forwarder.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            socket.NoDelay = true;
            // The task is registered before it can finish, so its own removal never misses.
            var serving = new TaskCompletionSource();
            _connections[socket] = serving.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(socket);
                }
                finally
                {
                    socket.Dispose();
                    _connections.TryRemove(socket, out _);
                    serving.SetResult();
                }
            });
        }
    }

    /// <summary>Serves the requests of one kept-alive connection until either side closes it.</summary>
    private async Task ServeAsync(Socket socket)
    {
        var stopping = _stopping.Token;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new RequestReader(stream);
        try
        {
            while (await reader.ReadAsync(stopping) is { } request)
            {
                Interlocked.Increment(ref _requestsSeen);
                var (fault, dropConnection) = DrawFault(request);
                if (fault is { } drawn)
                    Interlocked.Increment(ref _faults[(int)drawn]);
                switch (fault)
                {
                    case null:
                    {
                        var (head, body, status) = await ForwardAsync(request, stopping);
                        Record(request, null, status);
                        await WriteAsync(stream, head, body, stopping);
                        break;
                    }
                    case FaultKind.InternalError or FaultKind.ServerBusy:
                        Record(request, fault, storageStatus: null);
                        await WriteErrorAsync(stream, request, fault.Value, stopping);
                        break;
                    case FaultKind.Timeout:
                        Record(request, fault, storageStatus: null);
                        await HoldUntilClientLeavesAsync(stream, stopping);
                        return;
                    case FaultKind.ResponseLost:
                    {
                        var (_, _, status) = await ForwardAsync(request, stopping);
                        Record(request, fault, status);
                        if (dropConnection)
                        {
                            Interlocked.Increment(ref _droppedConnections);
                            return;
                        }
                        await WriteErrorAsync(stream, request, FaultKind.InternalError, stopping);
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away or sent something this proxy does not speak; either way the
            // connection is over.
        }
    }

    private (FaultKind? Fault, bool DropConnection) DrawFault(IncomingRequest request)
    {
        lock (_random)
        {
            if (_faultRate == 0 || _targets is { } targets && !targets(request.Method, Uri.UnescapeDataString(request.Target.Split('?', 2)[0])))
                return (null, false);
            if (_random.NextDouble() >= _faultRate)
                return (null, false);
            return (_kinds[_random.Next(_kinds.Count)], _random.Next(2) == 0);
        }
    }

    private void Record(IncomingRequest request, FaultKind? fault, int? storageStatus) =>
        _requests.Enqueue(new ProxiedRequest(request.Method, request.Target, fault, storageStatus,
            request.Body is { Length: > 0 } body ? Convert.ToHexStringLower(SHA256.HashData(body)) : null));

    /// <returns>The response head and body to send back, and storage's status (null if storage could not be reached).</returns>
    private async Task<(string Head, byte[] Body, int? StorageStatus)> ForwardAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_storage + request.Target))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var contentHeaders = request.Headers.Where(h => h.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && !ConnectionHeaders.Contains(h.Name)).ToList();
        if (request.Body is not null || contentHeaders.Count > 0)
        {
            // HttpClient keeps Content-* headers on the content, and computes Content-Length itself.
            message.Content = new ByteArrayContent(request.Body ?? []);
            foreach (var (name, value) in contentHeaders)
                message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        foreach (var (name, value) in request.Headers)
        {
            if (!ConnectionHeaders.Contains(name) && !name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                message.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await _forwarder.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            var text = Encoding.UTF8.GetBytes($"The proxy could not reach storage at {_storage}: {e.Message}");
            return ($"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {text.Length}\r\n\r\n", text, null);
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n");
            foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            {
                if (ConnectionHeaders.Contains(name))
                    continue;
                foreach (var value in values)
                    head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            // A HEAD answer declares the length of a body it does not carry: keep storage's figure.
            var isHead = request.Method == HttpMethod.Head.Method;
            if (!isHead)
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
            else if (response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var declared))
                head.Append("Content-Length: ").Append(declared.ToString()).Append("\r\n");
            head.Append("\r\n");
            return (head.ToString(), isHead ? [] : body, (int)response.StatusCode);
        }
    }

    /// <summary>
    /// An error as Azure Storage words it: the code in a header and in an XML body. A HEAD answer
    /// has the header only; declaring an XML body it cannot carry would make the SDK try to parse one.
    /// </summary>
    private static Task WriteErrorAsync(Stream stream, IncomingRequest request, FaultKind kind, CancellationToken cancellationToken)
    {
        var (status, reason, code) = kind == FaultKind.ServerBusy
            ? (503, "Service Unavailable", "ServerBusy")
            : (500, "Internal Server Error", "InternalError");
        var head = $"HTTP/1.1 {status} {reason}\r\nx-ms-error-code: {code}\r\nx-ms-request-id: {Guid.NewGuid()}\r\n";
        if (request.Method == HttpMethod.Head.Method)
            return WriteAsync(stream, head + "\r\n", [], cancellationToken);
        var body = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>injected by the test's fault proxy</Message></Error>");
        return WriteAsync(stream, head + $"Content-Type: application/xml\r\nContent-Length: {body.Length}\r\n\r\n", body, cancellationToken);
    }

    private static async Task WriteAsync(Stream stream, string head, byte[] body, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), cancellationToken);
        if (body.Length > 0)
            await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Holds a request without answering until the client closes the connection (its timeout
    /// fired) or <see cref="TimeoutHold"/> passes.
    /// </summary>
    private async Task HoldUntilClientLeavesAsync(Stream stream, CancellationToken stopping)
    {
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        hold.CancelAfter(TimeoutHold);
        var scratch = new byte[1024];
        try
        {
            // A client waiting for an answer sends nothing more; a read ends only when it leaves.
            while (await stream.ReadAsync(scratch, hold.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (hold.IsCancellationRequested)
        {
        }
    }

    private static string? ConnectionStringValue(string connectionString, string key) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();

    private static string WithEndpoint(string connectionString, string endpointKey, string endpoint) =>
        string.Join(';', connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2)[0].Trim().Equals(endpointKey, StringComparison.OrdinalIgnoreCase) ? endpointKey + "=" + endpoint : part)) + ";";

    private sealed record IncomingRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body);

    /// <summary>Reads HTTP/1.1 requests off one connection: the head, then a body by Content-Length or chunks.</summary>
    private sealed class RequestReader(NetworkStream stream)
    {
        private const int MaxHead = 64 * 1024;

        private readonly byte[] _buffer = new byte[MaxHead];
        private int _start;
        private int _end;

        /// <returns>Null when the client closed the connection between requests.</returns>
        public async Task<IncomingRequest?> ReadAsync(CancellationToken cancellationToken)
        {
            int headEnd;
            while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (!await FillAsync(cancellationToken))
                {
                    if (_end == _start)
                        return null;
                    throw new InvalidDataException("The connection closed in the middle of a request head.");
                }
            }
            var head = Encoding.Latin1.GetString(_buffer, _start, headEnd);
            _start += headEnd + 4;

            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                throw new InvalidDataException($"Not an HTTP/1.x request line: {lines[0]}");
            var headers = new List<(string, string)>();
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                    throw new InvalidDataException($"Not a header line: {line}");
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            string? Header(string name) => headers.Where(h => h.Item1.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Item2).FirstOrDefault();
            var chunked = Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;
            var length = Header("Content-Length") is { } declared ? long.Parse(declared, CultureInfo.InvariantCulture) : (long?)null;
            if ((chunked || length > 0) && Header("Expect")?.Equals("100-continue", StringComparison.OrdinalIgnoreCase) == true)
            {
                // The client waits for this before sending the body.
                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken);
            }
            var body = chunked ? await ReadChunkedAsync(cancellationToken)
                : length is { } n ? await ReadExactlyAsync(checked((int)n), cancellationToken)
                : null;
            return new IncomingRequest(requestLine[0], requestLine[1], headers, body);
        }

        private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken);
                var size = int.Parse(sizeLine.Split(';', 2)[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    // Trailers, if any, end with an empty line; they are not forwarded.
                    while ((await ReadLineAsync(cancellationToken)).Length > 0)
                    {
                    }
                    return body.ToArray();
                }
                body.Write(await ReadExactlyAsync(size, cancellationToken));
                if ((await ReadLineAsync(cancellationToken)).Length != 0)
                    throw new InvalidDataException("A chunk did not end where its size said.");
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (!await FillAsync(cancellationToken))
                    throw new InvalidDataException("The connection closed in the middle of a chunked body.");
            }
            var line = Encoding.Latin1.GetString(_buffer, _start, lineEnd);
            _start += lineEnd + 2;
            return line;
        }

        private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var buffered = Math.Min(count, _end - _start);
            _buffer.AsSpan(_start, buffered).CopyTo(result);
            _start += buffered;
            if (buffered < count)
                await stream.ReadExactlyAsync(result.AsMemory(buffered), cancellationToken);
            return result;
        }

        /// <returns>False when the client closed the connection.</returns>
        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                throw new InvalidDataException($"A request head or chunk line longer than {MaxHead} bytes.");
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read > 0;
        }
    }
}
