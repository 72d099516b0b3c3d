using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;

namespace SafeOpenAI.Extensions.AI;

/// <summary>
/// An <see cref="IChatClient"/> middleware that runs every call through the SafeOpenAI
/// <see cref="SafetyPipeline"/>: identity, hardening, budget, input guards, moderation (the
/// configured <see cref="IModerationCheck"/>), the inner client's call, output checks, settlement
/// and audit. It works over any inner <see cref="IChatClient"/> (OpenAI through <c>AsIChatClient()</c>,
/// Azure OpenAI, Ollama, ...). Add it with <c>ChatClientBuilder.UseSafeOpenAI()</c> after
/// <c>services.AddSafeOpenAI(...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ChatOptions"/> map to the pipeline: <see cref="ChatOptions.MaxOutputTokens"/>,
/// <see cref="ChatOptions.Temperature"/>, <see cref="ChatOptions.TopP"/> and the penalties are
/// hardened; <see cref="ChatOptions.ModelId"/> (or the inner client's default model) prices the
/// call; a JSON <see cref="ChatOptions.ResponseFormat"/> with a schema is validated; tools and every
/// other option pass to the inner client unchanged. The hashed safety identifier reaches OpenAI
/// inner clients through <see cref="ChatOptions.RawRepresentationFactory"/>; other providers have no
/// such field and do not receive it. The caller's options object is copied, never changed.
/// </para>
/// <para>
/// A blocked call throws <see cref="SafetyViolationException"/> or, when constructed with
/// <see cref="SafetyBlockBehavior.ReturnRefusal"/>, returns a response whose finish reason is
/// <see cref="AIChatFinishReason.ContentFilter"/>. Every response (and the last streamed update)
/// carries the verdict trail in its <c>AdditionalProperties</c> under the keys
/// <see cref="StatusKey"/>, <see cref="VerdictsKey"/>, <see cref="AuditIdKey"/> and, for a block,
/// <see cref="DecisiveCodeKey"/>; <see cref="GetSafetyResult(ChatResponse)"/> returns the whole
/// <see cref="SafetyPipelineResult"/> of a response this client returned.
/// </para>
/// <para>
/// Streaming checks the answer in sentence-aligned windows; by default (HoldBack) no text is yielded
/// before its window passed (see <see cref="StreamingOptions"/>). The end user comes from the
/// <see cref="ISafetyIdentityAccessor"/>. Thread-safe.
/// </para>
/// </remarks>
public sealed class SafeOpenAIChatClient : DelegatingChatClient
{
    /// <summary>The <c>AdditionalProperties</c> key of the call's <see cref="SafeChatStatus"/>, as its name (a string, e.g. <c>"Completed"</c>).</summary>
    public const string StatusKey = "safeopenai.status";

    /// <summary>The <c>AdditionalProperties</c> key of the verdict codes of every stage, in pipeline order (a <see cref="string"/> array, e.g. <c>"moderation.passed"</c>).</summary>
    public const string VerdictsKey = "safeopenai.verdicts";

    /// <summary>The <c>AdditionalProperties</c> key of the audit id that joins the call to its audit record (a string).</summary>
    public const string AuditIdKey = "safeopenai.audit_id";

    /// <summary>The <c>AdditionalProperties</c> key of the decisive verdict's code of a blocked or held call (a string; absent when the call completed).</summary>
    public const string DecisiveCodeKey = "safeopenai.decisive_code";

    // Weak: a response the caller dropped takes its result with it.
    private static readonly ConditionalWeakTable<object, SafetyPipelineResult> s_results = [];

    private readonly SafetyPipeline _pipeline;
    private readonly ISafetyIdentityAccessor _identityAccessor;
    private readonly SafetyBlockBehavior _onBlock;

    /// <summary>Creates the middleware over an inner client.</summary>
    /// <param name="innerClient">The client that reaches the model.</param>
    /// <param name="pipeline">The composed pipeline (from dependency injection after <c>AddSafeOpenAI</c>).</param>
    /// <param name="identityAccessor">Supplies the end user of each call.</param>
    /// <param name="onBlock">What a blocked call does: throw (the default) or return a refusal.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SafeOpenAIChatClient(IChatClient innerClient, SafetyPipeline pipeline, ISafetyIdentityAccessor identityAccessor, SafetyBlockBehavior onBlock = SafetyBlockBehavior.Throw)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(identityAccessor);
        _pipeline = pipeline;
        _identityAccessor = identityAccessor;
        _onBlock = onBlock;
    }

    /// <summary>Gets the composed safety pipeline this client runs.</summary>
    public SafetyPipeline SafetyPipeline => _pipeline;

    /// <summary>
    /// Returns the whole pipeline result (status, every verdict, usage, cost, audit and review ids,
    /// the guarded request) of a response this client returned, or <see langword="null"/> for a
    /// response it did not return (for example one a later middleware rebuilt; its
    /// <c>AdditionalProperties</c> keys may still be there).
    /// </summary>
    /// <param name="response">A response from <see cref="GetResponseAsync"/>.</param>
    /// <returns>The result, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    public static SafetyPipelineResult? GetSafetyResult(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return s_results.TryGetValue(response, out var result) ? result : null;
    }

    /// <summary>
    /// Returns the whole pipeline result of a streamed call from its last update (the one carrying
    /// <see cref="StatusKey"/>), or <see langword="null"/> for any other update.
    /// </summary>
    /// <param name="update">An update from <see cref="GetStreamingResponseAsync"/>.</param>
    /// <returns>The result, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is null.</exception>
    public static SafetyPipelineResult? GetSafetyResult(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return s_results.TryGetValue(update, out var result) ? result : null;
    }

    /// <inheritdoc/>
    /// <remarks>Returns this client's <see cref="SafetyPipeline"/> for <c>typeof(SafetyPipeline)</c>; otherwise asks the inner client.</remarks>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(SafetyPipeline) ? _pipeline : base.GetService(serviceType, serviceKey);
    }

    /// <summary>Runs the call through the pipeline.</summary>
    /// <param name="messages">The conversation; system, developer, user, assistant and tool messages.</param>
    /// <param name="options">The options; copied, never changed.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit still written.</param>
    /// <returns>The inner client's response (with a rewritten answer when a validator rewrote it), or a refusal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">No message, a null message, or an unsupported role.</exception>
    /// <exception cref="InvalidOperationException">Neither <see cref="ChatOptions.ModelId"/> nor the inner client's metadata names the model.</exception>
    /// <exception cref="SafetyViolationException">A stage blocked the call (unless constructed to return a refusal).</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = ExtensionsAIChatAdapter.Materialize(messages, nameof(messages));
        var request = CreateRequest(list, options);
        var result = await _pipeline.RunAsync(
            request,
            async (guarded, token) =>
            {
                var response = await base.GetResponseAsync(
                    ExtensionsAIChatAdapter.ToChatMessages(guarded.Messages),
                    ExtensionsAIChatAdapter.PrepareOptions(options, guarded),
                    token).ConfigureAwait(false);
                return ExtensionsAIChatAdapter.ToSafetyResponse(response);
            },
            cancellationToken).ConfigureAwait(false);

        ChatResponse answer;
        if (result.Status == SafeChatStatus.Completed)
        {
            answer = ExtensionsAIChatAdapter.ToChatResponse(result.Response!, request.Model);
        }
        else if (_onBlock == SafetyBlockBehavior.ReturnRefusal)
        {
            answer = ExtensionsAIChatAdapter.CreateRefusal(result);
        }
        else
        {
            throw new SafetyViolationException(result.DecisiveVerdict!, result.Verdicts, result.AuditId);
        }

        answer.AdditionalProperties = Describe(answer.AdditionalProperties, result);
        s_results.AddOrUpdate(answer, result);
        return answer;
    }

    /// <summary>
    /// Streams the call through the pipeline. In HoldBack mode (the default) no update is yielded
    /// before its window passed; in CutOff mode updates flow at once and the stream stops when a
    /// window fails. The last update carries the verdict trail in its <c>AdditionalProperties</c>.
    /// </summary>
    /// <param name="messages">The conversation; system, developer, user, assistant and tool messages.</param>
    /// <param name="options">The options; copied, never changed.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit still written.</param>
    /// <returns>The updates as the pipeline releases them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">No message, a null message, or an unsupported role.</exception>
    /// <exception cref="InvalidOperationException">Neither <see cref="ChatOptions.ModelId"/> nor the inner client's metadata names the model.</exception>
    /// <remarks>
    /// A block throws <see cref="SafetyViolationException"/> from the enumeration after the updates
    /// already released or, when constructed to return a refusal, ends with one update whose finish
    /// reason is <see cref="AIChatFinishReason.ContentFilter"/>.
    /// </remarks>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Argument errors surface at the call, not at the first MoveNext.
        var list = ExtensionsAIChatAdapter.Materialize(messages, nameof(messages));
        var request = CreateRequest(list, options);
        return StreamAsync(request, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(SafetyRequest request, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = StreamRun<ChatResponseUpdate>.Start((writer, token) => RunStreamingAsync(request, options, writer, token), cancellationToken);
        try
        {
            while (await stream.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.Reader.TryRead(out var update))
                {
                    yield return update;
                }
            }

            await stream.Completion.ConfigureAwait(false);
        }
        finally
        {
            await stream.StopAsync().ConfigureAwait(false);
        }
    }

    private async Task RunStreamingAsync(SafetyRequest request, ChatOptions? options, ChannelWriter<ChatResponseUpdate> writer, CancellationToken cancellationToken)
    {
        var released = false;
        var result = await _pipeline.RunStreamingAsync(
            request,
            (guarded, token) => StreamModelAsync(guarded, options, token),
            async (release, token) =>
            {
                foreach (var update in StreamingResponseBuffer.UpdatesFor(release))
                {
                    await writer.WriteAsync(update, token).ConfigureAwait(false);
                    released = true;
                }
            },
            cancellationToken).ConfigureAwait(false);

        ChatResponseUpdate closing;
        if (result.Status == SafeChatStatus.Completed)
        {
            closing = new ChatResponseUpdate(ChatRole.Assistant, []);
            if (!released && result.Response is { RawRepresentation: null } answer)
            {
                // An input guard answered without the model (a curated article): stream it as one update.
                var whole = ExtensionsAIChatAdapter.ToChatResponse(answer, request.Model);
                closing = new ChatResponseUpdate(ChatRole.Assistant, whole.Messages[0].Contents)
                {
                    ResponseId = whole.ResponseId,
                    ModelId = whole.ModelId,
                    CreatedAt = whole.CreatedAt,
                    FinishReason = AIChatFinishReason.Stop,
                };
            }
        }
        else if (_onBlock == SafetyBlockBehavior.ReturnRefusal)
        {
            // Text already shown stays shown; the stream ends the way a content filter ends it.
            var refusal = ExtensionsAIChatAdapter.CreateRefusal(result);
            closing = new ChatResponseUpdate(ChatRole.Assistant, released ? [] : refusal.Messages[0].Contents)
            {
                ResponseId = refusal.ResponseId,
                ModelId = refusal.ModelId,
                CreatedAt = refusal.CreatedAt,
                FinishReason = AIChatFinishReason.ContentFilter,
            };
        }
        else
        {
            throw new SafetyViolationException(result.DecisiveVerdict!, result.Verdicts, result.AuditId);
        }

        closing.AdditionalProperties = Describe(closing.AdditionalProperties, result);
        s_results.AddOrUpdate(closing, result);
        await writer.WriteAsync(closing, cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<SafetyStreamChunk> StreamModelAsync(SafetyRequest guarded, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new StreamingResponseBuffer();
        var stream = base.GetStreamingResponseAsync(
            ExtensionsAIChatAdapter.ToChatMessages(guarded.Messages),
            ExtensionsAIChatAdapter.PrepareOptions(options, guarded),
            cancellationToken);
        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return buffer.Add(update);
        }

        yield return SafetyStreamChunk.Completed(buffer.ToSafetyResponse());
    }

    private SafetyRequest CreateRequest(IReadOnlyList<AIChatMessage> messages, ChatOptions? options) =>
        new(ExtensionsAIChatAdapter.ToSafetyMessages(messages), ModelOf(options))
        {
            Identity = _identityAccessor.Current ?? SafetyIdentity.Anonymous,
            Parameters = ExtensionsAIChatAdapter.ReadParameters(options),
            ResponseSchema = ExtensionsAIChatAdapter.ReadResponseSchema(options),
            Tools = ExtensionsAIChatAdapter.ReadTools(options),
            SafetyIdentifier = ExtensionsAIChatAdapter.ReadCallerSafetyIdentifier(options, InnerClient),
        };

    private string ModelOf(ChatOptions? options)
    {
        if (!string.IsNullOrWhiteSpace(options?.ModelId))
        {
            return options.ModelId;
        }

        return InnerClient.GetService<ChatClientMetadata>()?.DefaultModelId is { Length: > 0 } model
            ? model
            : throw new InvalidOperationException("The model of the call is unknown: set ChatOptions.ModelId, or use an inner client whose ChatClientMetadata names a default model. SafeOpenAI needs it for budgets, pricing and the audit.");
    }

    private static AdditionalPropertiesDictionary Describe(AdditionalPropertiesDictionary? existing, SafetyPipelineResult result)
    {
        var properties = existing is null ? [] : new AdditionalPropertiesDictionary(existing);
        properties[StatusKey] = result.Status.ToString();
        properties[VerdictsKey] = result.Verdicts.Select(v => v.Code).ToArray();
        properties[AuditIdKey] = result.AuditId;
        if (result.DecisiveVerdict is { } decisive && result.Status != SafeChatStatus.Completed)
        {
            properties[DecisiveCodeKey] = decisive.Code;
        }

        return properties;
    }
}
