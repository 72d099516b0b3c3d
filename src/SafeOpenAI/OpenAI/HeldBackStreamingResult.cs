using System.ClientModel;
using System.Runtime.CompilerServices;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// The streaming result of <see cref="SafeChatClient"/>: the whole answer is buffered and checked
/// by the pipeline before the first update reaches the caller, so no unchecked text leaks. The
/// pipeline runs when enumeration starts, once per enumeration. As with the SDK's own streaming
/// results, the call is cancelled by the token given to the streaming method.
/// </summary>
internal sealed class HeldBackStreamingResult(Func<CancellationToken, Task<IReadOnlyList<StreamingChatCompletionUpdate>>> run, CancellationToken cancellationToken)
    : AsyncCollectionResult<StreamingChatCompletionUpdate>
{
    private IReadOnlyList<StreamingChatCompletionUpdate> _approved = [];

    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    public override async IAsyncEnumerable<ClientResult> GetRawPagesAsync()
    {
        _approved = await run(cancellationToken).ConfigureAwait(false);
        yield return ClientResult.FromValue(_approved, new SyntheticPipelineResponse());
    }

    protected override async IAsyncEnumerable<StreamingChatCompletionUpdate> GetValuesFromPageAsync(ClientResult page)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var update in ((ClientResult<IReadOnlyList<StreamingChatCompletionUpdate>>)page).Value)
        {
            yield return update;
        }
    }
}

/// <summary>The synchronous counterpart of <see cref="HeldBackStreamingResult"/>.</summary>
internal sealed class HeldBackStreamingCollection(Func<CancellationToken, Task<IReadOnlyList<StreamingChatCompletionUpdate>>> run, CancellationToken cancellationToken)
    : CollectionResult<StreamingChatCompletionUpdate>
{
    public override ContinuationToken? GetContinuationToken(ClientResult page) => null;

    public override IEnumerable<ClientResult> GetRawPages()
    {
        var approved = run(cancellationToken).GetAwaiter().GetResult();
        yield return ClientResult.FromValue(approved, new SyntheticPipelineResponse());
    }

    protected override IEnumerable<StreamingChatCompletionUpdate> GetValuesFromPage(ClientResult page) =>
        ((ClientResult<IReadOnlyList<StreamingChatCompletionUpdate>>)page).Value;
}
