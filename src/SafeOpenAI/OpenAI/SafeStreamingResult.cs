using System.ClientModel;
using System.Threading.Channels;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// The streaming result of <see cref="SafeChatClient"/>. Enumerating it runs the pipeline once;
/// updates arrive as the pipeline releases them (window by window in HoldBack mode, at once in
/// CutOff mode). A failure of the call, a block included, is thrown from the enumeration after the
/// updates released before it. Leaving the enumeration early cancels the call, which is still
/// settled and audited. As with the SDK's own results, the call is cancelled by the token given to
/// the streaming method.
/// </summary>
internal sealed class SafeStreamingResult(Func<ChannelWriter<StreamingChatCompletionUpdate>, CancellationToken, Task> run, CancellationToken cancellationToken)
    : AsyncCollectionResult<StreamingChatCompletionUpdate>
{
    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    public override async IAsyncEnumerable<ClientResult> GetRawPagesAsync()
    {
        var stream = StreamRun.Start(run, cancellationToken);
        try
        {
            while (await stream.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.Reader.TryRead(out var update))
                {
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

    protected override async IAsyncEnumerable<StreamingChatCompletionUpdate> GetValuesFromPageAsync(ClientResult page)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return ((ClientResult<StreamingChatCompletionUpdate>)page).Value;
    }
}

/// <summary>The synchronous counterpart of <see cref="SafeStreamingResult"/>.</summary>
internal sealed class SafeStreamingCollection(Func<ChannelWriter<StreamingChatCompletionUpdate>, CancellationToken, Task> run, CancellationToken cancellationToken)
    : CollectionResult<StreamingChatCompletionUpdate>
{
    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    public override IEnumerable<ClientResult> GetRawPages()
    {
        var stream = StreamRun.Start(run, cancellationToken);
        try
        {
            while (stream.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
            {
                while (stream.Reader.TryRead(out var update))
                {
                    yield return ClientResult.FromValue(update, new SyntheticPipelineResponse());
                }
            }

            stream.Completion.GetAwaiter().GetResult();
        }
        finally
        {
            stream.StopAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    protected override IEnumerable<StreamingChatCompletionUpdate> GetValuesFromPage(ClientResult page)
    {
        yield return ((ClientResult<StreamingChatCompletionUpdate>)page).Value;
    }
}
