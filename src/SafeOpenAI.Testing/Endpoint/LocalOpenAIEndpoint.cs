using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Moderations;

namespace SafeOpenAI.Testing;

/// <summary>
/// An OpenAI-compatible HTTP endpoint that runs in the test process on 127.0.0.1, so that the
/// unmodified OpenAI SDK can be tested over real HTTP without a key: <c>POST /v1/chat/completions</c>
/// (JSON and server-sent-event streaming with usage) and <c>POST /v1/moderations</c> (strings,
/// string arrays, text and image parts). Every request is recorded; responses can be scripted per
/// request (<see cref="Chat"/>, <see cref="Moderation"/>); otherwise the deterministic
/// <see cref="OfflineChatModel"/> and the <see cref="OfflineModerationStandIn"/> answer.
/// </summary>
/// <remarks>
/// <para>
/// Point the SDK at <see cref="BaseUri"/> (<c>http://127.0.0.1:PORT/v1/</c>) with any key:
/// <c>new ChatClient(model, new ApiKeyCredential("any"), new OpenAIClientOptions { Endpoint = endpoint.BaseUri })</c>,
/// or use <see cref="CreateClientOptions"/>. The SDK retries 408, 429 and 5xx answers three
/// times with exponential backoff by default (honouring <c>retry-after</c>); pass
/// <c>maxRetries: 0</c> to <see cref="CreateClientOptions"/> to see the first error surface.
/// </para>
/// <para>
/// Thread-safe: it serves any number of concurrent requests, and tests may script, read and clear
/// recordings while it runs. It logs nothing unless <see cref="LocalOpenAIEndpointOptions.ConfigureLogging"/>
/// says otherwise. Dispose it to stop the server; open never-ending streams are aborted.
/// </para>
/// </remarks>
public sealed class LocalOpenAIEndpoint : IAsyncDisposable
{
    private static readonly TimeSpan s_shutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly LocalOpenAIEndpointOptions _options;
    private readonly ConcurrentQueue<RecordedRequest> _recorded = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> _aborted = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<RecordedRequest>> _abortWaiters = new();
    private long _sequence;
    private int _disposed;

    private LocalOpenAIEndpoint(WebApplication app, LocalOpenAIEndpointOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>Gets the address to give the OpenAI SDK as <c>OpenAIClientOptions.Endpoint</c>: <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Gets the TCP port the endpoint listens on.</summary>
    public int Port => BaseUri.Port;

    /// <summary>Gets the script of chat completion responses (one-shot queue and persistent handler).</summary>
    public ResponseScript<ScriptedChatResponse> Chat { get; } = new();

    /// <summary>Gets the script of moderation responses (one-shot queue and persistent handler).</summary>
    public ResponseScript<ScriptedModerationResponse> Moderation { get; } = new();

    /// <summary>Gets how many requests the endpoint received since it started, recorded or not.</summary>
    public long TotalRequests => Interlocked.Read(ref _sequence);

    /// <summary>Gets a snapshot of the recorded requests, oldest first (at most <see cref="LocalOpenAIEndpointOptions.MaxRecordedRequests"/>).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _recorded.ToArray();

    /// <summary>Gets a snapshot of the recorded chat completion requests, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => _recorded.Where(r => r.IsChatCompletion).ToArray();

    /// <summary>Gets a snapshot of the recorded moderation requests, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> ModerationRequests => _recorded.Where(r => r.IsModeration).ToArray();

    /// <summary>
    /// Gets a snapshot of the recorded requests whose client went away (cancelled the call, closed
    /// the connection) before the endpoint finished its response, oldest first. Requests the
    /// endpoint stopped itself while shutting down are not listed.
    /// </summary>
    /// <remarks>
    /// This is how a test proves that a caller cancelled an in-flight model call (for example a
    /// call scripted with <see cref="ScriptedChatResponse.Delayed"/> that the client abandons):
    /// the endpoint observes the request's own abort, not a guess from timing.
    /// </remarks>
    public IReadOnlyList<RecordedRequest> AbortedRequests => _aborted.ToArray();

    /// <summary>
    /// Waits until the client has aborted the recorded request with the given sequence number
    /// (see <see cref="AbortedRequests"/>); completes at once when it already has.
    /// </summary>
    /// <param name="sequence">The <see cref="RecordedRequest.Sequence"/> of the request.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The aborted request.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <remarks>Thread-safe.</remarks>
    public Task<RecordedRequest> WaitForAbortAsync(long sequence, CancellationToken cancellationToken = default)
    {
        var waiter = _abortWaiters.GetOrAdd(sequence, static _ => new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously));
        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts an endpoint on 127.0.0.1.</summary>
    /// <param name="options">Settings; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running endpoint; dispose it to stop.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="IOException">The port could not be bound.</exception>
    public static async Task<LocalOpenAIEndpoint> StartAsync(LocalOpenAIEndpointOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalOpenAIEndpointOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecordedRequests, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StreamChunkCharacters, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StreamChunkDelay, TimeSpan.Zero, nameof(options));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalOpenAIEndpoint).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var endpoint = new LocalOpenAIEndpoint(app, options);
        app.Run(endpoint.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new IOException("The local OpenAI endpoint did not report its address.");
            var bound = new Uri(address);
            endpoint.BaseUri = new Uri($"http://127.0.0.1:{bound.Port.ToString(CultureInfo.InvariantCulture)}/v1/");
            return endpoint;
        }
        catch
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates SDK options that reach this endpoint.</summary>
    /// <param name="maxRetries">The SDK's retries of 408, 429 and 5xx answers and of network errors; the SDK's default (3) when <see langword="null"/>. Use 0 to see the first error surface.</param>
    /// <param name="networkTimeout">The SDK's per-attempt timeout; the SDK's default (100 seconds) when <see langword="null"/>.</param>
    /// <returns>New options with <c>Endpoint</c> set to <see cref="BaseUri"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetries"/> is negative.</exception>
    public OpenAIClientOptions CreateClientOptions(int? maxRetries = null, TimeSpan? networkTimeout = null)
    {
        var clientOptions = new OpenAIClientOptions { Endpoint = BaseUri };
        if (maxRetries is { } retries)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(retries, nameof(maxRetries));
            clientOptions.RetryPolicy = new ClientRetryPolicy(retries);
        }

        if (networkTimeout is { } timeout)
        {
            clientOptions.NetworkTimeout = timeout;
        }

        return clientOptions;
    }

    /// <summary>Creates an SDK chat client that reaches this endpoint with a dummy key.</summary>
    /// <param name="model">The model name sent with every request.</param>
    /// <param name="maxRetries">The SDK's retries; see <see cref="CreateClientOptions"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or white space.</exception>
    public ChatClient CreateChatClient(string model = "gpt-4o-mini", int? maxRetries = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return new ChatClient(model, new ApiKeyCredential("sk-local-test"), CreateClientOptions(maxRetries));
    }

    /// <summary>Creates an SDK moderation client that reaches this endpoint with a dummy key.</summary>
    /// <param name="model">The moderation model name sent with every request.</param>
    /// <param name="maxRetries">The SDK's retries; see <see cref="CreateClientOptions"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or white space.</exception>
    public ModerationClient CreateModerationClient(string model = "omni-moderation-latest", int? maxRetries = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return new ModerationClient(model, new ApiKeyCredential("sk-local-test"), CreateClientOptions(maxRetries));
    }

    /// <summary>Forgets every recorded request (scripts are left as they are).</summary>
    public void Clear() => _recorded.Clear();

    /// <summary>Stops the server: open never-ending streams are aborted, then Kestrel shuts down (at most 5 seconds).</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(s_shutdownTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown timed out; disposing below closes what is left.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = linked.Token;
        RecordedRequest? recorded = null;
        try
        {
            recorded = await RecordAsync(context, cancellationToken).ConfigureAwait(false);
            var handler = new RequestHandler(context, recorded, _options, cancellationToken);
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                await handler.WriteErrorAsync(404, $"Unknown request URL: {context.Request.Method} {context.Request.Path}.", null).ConfigureAwait(false);
            }
            else if (recorded.IsChatCompletion)
            {
                await handler.HandleChatAsync(Chat.Next(recorded)).ConfigureAwait(false);
            }
            else if (recorded.IsModeration)
            {
                await handler.HandleModerationAsync(Moderation.Next(recorded)).ConfigureAwait(false);
            }
            else
            {
                await handler.WriteErrorAsync(404, $"Unknown request URL: POST {context.Request.Path}.", null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the endpoint is stopping: drop the connection.
            NoteAbort(context, recorded);
            context.Abort();
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested || context.RequestAborted.IsCancellationRequested)
        {
            NoteAbort(context, recorded);
            context.Abort();
        }
    }

    private void NoteAbort(HttpContext context, RecordedRequest? recorded)
    {
        // Only the client's own abort counts; a request cut by the endpoint's shutdown is not one.
        if (recorded is null || !context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            return;
        }

        _aborted.Enqueue(recorded);
        _abortWaiters.GetOrAdd(recorded.Sequence, static _ => new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(recorded);
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var hasAuthorization = false;
        foreach (var (name, values) in request.Headers)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "api-key", StringComparison.OrdinalIgnoreCase))
            {
                hasAuthorization = true;
                continue;
            }

            headers[name] = values.ToString();
        }

        var sequence = Interlocked.Increment(ref _sequence);
        var recorded = new RecordedRequest(sequence, request.Method, request.Path.Value ?? "/", body, headers, hasAuthorization, DateTimeOffset.UtcNow);
        if (_options.RecordRequests && _options.MaxRecordedRequests > 0)
        {
            _recorded.Enqueue(recorded);
            while (_recorded.Count > _options.MaxRecordedRequests && _recorded.TryDequeue(out _))
            {
            }
        }

        return recorded;
    }
}
