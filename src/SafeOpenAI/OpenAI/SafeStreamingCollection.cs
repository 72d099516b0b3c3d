using System.ClientModel;
using System.Threading.Channels;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>The synchronous counterpart of <see cref="SafeChatStreamingResult"/>.</summary>
internal sealed class SafeStreamingCollection(Func<ChannelWriter<StreamingChatCompletionUpdate>, CancellationToken, Task> run, CancellationToken cancellationToken)
    : CollectionResult<StreamingChatCompletionUpdate>
{
    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    public override IEnumerable<ClientResult> GetRawPages()
    {
        var stream = StreamRun<StreamingChatCompletionUpdate>.Start(run, cancellationToken);
        try
        {
            while (stream.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
            {
                while (stream.Reader.TryRead(out var update))
                {
                    // A caller who cancelled gets no further update, even one already released.
                    cancellationToken.ThrowIfCancellationRequested();
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
