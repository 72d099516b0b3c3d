using System.Threading.Channels;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>One running streamed call: the pipeline writes released updates into a channel the enumeration reads.</summary>
internal sealed class StreamRun
{
    private readonly CancellationTokenSource _cancellation;

    private StreamRun(Channel<StreamingChatCompletionUpdate> channel, CancellationTokenSource cancellation, Task completion)
    {
        Reader = channel.Reader;
        _cancellation = cancellation;
        Completion = completion;
    }

    public ChannelReader<StreamingChatCompletionUpdate> Reader { get; }

    /// <summary>Gets the pipeline run; it faults with the call's exception.</summary>
    public Task Completion { get; }

    public static StreamRun Start(Func<ChannelWriter<StreamingChatCompletionUpdate>, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<StreamingChatCompletionUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var completion = Task.Run(
            async () =>
            {
                try
                {
                    await run(channel.Writer, cancellation.Token).ConfigureAwait(false);
                }
                finally
                {
                    // The reader learns the outcome from Completion, with the exception's own type.
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);
        return new StreamRun(channel, cancellation, completion);
    }

    /// <summary>Stops a run the caller left early and waits until it has settled and audited.</summary>
    public async ValueTask StopAsync()
    {
        if (!Completion.IsCompleted)
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                await Completion.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                // The caller stopped reading: the cancellation it caused is not an error to report.
            }
        }

        _cancellation.Dispose();
    }
}
