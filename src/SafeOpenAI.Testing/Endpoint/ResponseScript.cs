using System.Collections.Concurrent;

namespace SafeOpenAI.Testing;

/// <summary>
/// The script of one route of <see cref="LocalOpenAIEndpoint"/>: a FIFO queue of one-shot
/// responses, each consumed by exactly one request, and an optional persistent handler consulted
/// when the queue is empty. When neither answers, the endpoint's offline model (or offline
/// moderation stand-in) does.
/// </summary>
/// <typeparam name="TResponse">The scripted response type: <see cref="ScriptedChatResponse"/> or <see cref="ScriptedModerationResponse"/>.</typeparam>
/// <remarks>Thread-safe: tests may enqueue while requests are being served.</remarks>
public sealed class ResponseScript<TResponse>
    where TResponse : class
{
    private readonly ConcurrentQueue<TResponse> _queue = new();
    private volatile Func<RecordedRequest, TResponse?>? _handler;

    internal ResponseScript()
    {
    }

    /// <summary>Gets the number of one-shot responses not yet consumed.</summary>
    public int Pending => _queue.Count;

    /// <summary>
    /// Gets or sets a persistent handler, consulted for every request that finds the queue empty.
    /// It returns the response to send, or <see langword="null"/> to let the offline model answer.
    /// It is called concurrently and must be thread-safe.
    /// </summary>
    public Func<RecordedRequest, TResponse?>? Handler
    {
        get => _handler;
        set => _handler = value;
    }

    /// <summary>Adds a one-shot response at the end of the queue.</summary>
    /// <param name="response">The response; consumed by exactly one request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    public void Enqueue(TResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _queue.Enqueue(response);
    }

    /// <summary>Adds the same one-shot response several times (for example enough errors to outlast the SDK's retries).</summary>
    /// <param name="response">The response.</param>
    /// <param name="count">How many requests it answers; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public void Enqueue(TResponse response, int count)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
        {
            _queue.Enqueue(response);
        }
    }

    /// <summary>Removes every pending one-shot response and the persistent handler.</summary>
    public void Reset()
    {
        _queue.Clear();
        _handler = null;
    }

    internal TResponse? Next(RecordedRequest request)
    {
        if (_queue.TryDequeue(out var scripted))
        {
            return scripted;
        }

        return _handler?.Invoke(request);
    }
}
