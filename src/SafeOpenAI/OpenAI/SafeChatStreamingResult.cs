using System.ClientModel;
using System.Threading.Channels;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// The streaming result of <see cref="SafeChatClient"/>. Enumerating it runs the pipeline once;
/// updates arrive as the pipeline releases them (window by window in HoldBack mode, at once in
/// CutOff mode). Leaving the enumeration early cancels the call, which is still settled and
/// audited. As with the SDK's own results, the call is cancelled by the token given to the
/// streaming method.
/// </summary>
/// <remarks>
/// From the drop-in <c>CompleteChatStreamingAsync</c>, a block is thrown from the enumeration as
/// <see cref="SafetyViolationException"/> after the updates released before it (or ends the stream
/// with a content-filter update, as <see cref="SafeOpenAIOptions.OnBlock"/> says). From
/// <see cref="SafeChatClient.CompleteStreamingAsync(SafeChatRequest, CancellationToken)"/> a block
/// simply ends the enumeration, and <see cref="Result"/> tells what happened. Enumerate it once.
/// </remarks>
public sealed class SafeChatStreamingResult : AsyncCollectionResult<StreamingChatCompletionUpdate>
{
    private readonly Func<ChannelWriter<StreamingChatCompletionUpdate>, Action<SafeChatResult>, CancellationToken, Task> _run;
    private readonly CancellationToken _cancellationToken;
    private SafeChatResult? _result;

    internal SafeChatStreamingResult(Func<ChannelWriter<StreamingChatCompletionUpdate>, Action<SafeChatResult>, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        _run = run;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Gets the outcome of the call (status, verdicts, usage, cost, audit id, the answer as
    /// released) once the enumeration has finished; <see langword="null"/> before that, or when
    /// the call failed or was cancelled. Thread-safe to read.
    /// </summary>
    public SafeChatResult? Result => Volatile.Read(ref _result);

    /// <inheritdoc/>
    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ClientResult> GetRawPagesAsync()
    {
        var stream = StreamRun<StreamingChatCompletionUpdate>.Start((writer, token) => _run(writer, result => Volatile.Write(ref _result, result), token), _cancellationToken);
        try
        {
            while (await stream.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.Reader.TryRead(out var update))
                {
                    // A caller who cancelled gets no further update, even one already released.
                    _cancellationToken.ThrowIfCancellationRequested();
                    yield return ClientResult.FromValue(update, new SyntheticPipelineResponse());
                }
            }

            await stream.Completion.ConfigureAwait(false);
        }
        finally
        {
            await stream.StopAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async IAsyncEnumerable<StreamingChatCompletionUpdate> GetValuesFromPageAsync(ClientResult page)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return ((ClientResult<StreamingChatCompletionUpdate>)page).Value;
    }
}
