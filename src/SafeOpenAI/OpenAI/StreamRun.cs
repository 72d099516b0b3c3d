using System.Threading.Channels;

namespace SafeOpenAI;

/// <summary>
/// One running streamed call: the pipeline writes released updates into a channel the enumeration
/// reads. Shared by every front door; <typeparamref name="T"/> is the door's own update type.
/// </summary>
/// <typeparam name="T">The streamed update type of the front door.</typeparam>
internal sealed class StreamRun<T>
{
    private readonly CancellationTokenSource _cancellation;

    private StreamRun(Channel<T> channel, CancellationTokenSource cancellation, Task completion)
    {
        Reader = channel.Reader;
        _cancellation = cancellation;
        Completion = completion;
    }

    public ChannelReader<T> Reader { get; }

    /// <summary>Gets the pipeline run; it faults with the call's exception.</summary>
    public Task Completion { get; }

    public static StreamRun<T> Start(Func<ChannelWriter<T>, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
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
        return new StreamRun<T>(channel, cancellation, completion);
    }

    /// <summary>Stops a run the caller left early and waits until it has settled and audited.</summary>
    public async ValueTask StopAsync()
    {
        if (Completion.IsFaulted)
        {
            // The run failed after the reader stopped reading: the failure is in the audit record,
            // and is observed here so that it never resurfaces as an unobserved task exception.
            _ = Completion.Exception;
        }
        else if (!Completion.IsCompleted)
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
