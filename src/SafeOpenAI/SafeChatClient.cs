using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// A drop-in <see cref="ChatClient"/> that runs every call through the SafeOpenAI
/// <see cref="SafetyPipeline"/>: identity, hardening, budget, input guards, moderation, the inner
/// model call, output checks, settlement and audit. Resolve it from dependency injection after
/// <c>services.AddSafeOpenAI(...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every completion overload (sync, async, streaming, <c>params</c>) runs the pipeline; the
/// protocol overloads that take raw <see cref="BinaryContent"/> throw
/// <see cref="NotSupportedException"/>, because a raw body cannot be guarded. The stored-completion
/// management methods (get, list, update metadata, delete) send no new content to a model and are
/// passed to the inner client. Nothing reaches the model around the guards.
/// </para>
/// <para>
/// A blocked call throws <see cref="SafetyViolationException"/> or, when
/// <see cref="SafeOpenAIOptions.OnBlock"/> is <see cref="SafetyBlockBehavior.ReturnRefusal"/>,
/// returns a completion whose finish reason is <see cref="ChatFinishReason.ContentFilter"/>.
/// Use <see cref="CompleteAsync(SafeChatRequest, CancellationToken)"/> for the verdicts, usage,
/// cost and audit id of a call, and to pass sources, a risk domain or an explicit identity.
/// </para>
/// <para>
/// Streaming checks the answer in sentence-aligned windows and, by default, releases the model's
/// own updates one window at a time after the window passed, so no unchecked text reaches the
/// caller (see <see cref="StreamingOptions"/>). Synchronous overloads block on the asynchronous
/// pipeline. Thread-safe.
/// </para>
/// </remarks>
// RS0026/RS0027: these overloads must mirror ChatClient's own signatures, optional parameters included.
#pragma warning disable RS0026, RS0027
public class SafeChatClient : ChatClient
{
    private readonly ChatClient _inner;
    private readonly SafetyPipeline _pipeline;
    private readonly ISafetyIdentityAccessor _identityAccessor;
    private readonly SafetyBlockBehavior _onBlock;

    /// <summary>Creates the client over an inner SDK client.</summary>
    /// <param name="innerClient">The SDK client that reaches the model (OpenAI, Azure OpenAI, or any compatible endpoint).</param>
    /// <param name="pipeline">The composed pipeline (from dependency injection).</param>
    /// <param name="identityAccessor">Supplies the end user of drop-in calls.</param>
    /// <param name="onBlock">What drop-in calls do when blocked.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SafeChatClient(ChatClient innerClient, SafetyPipeline pipeline, ISafetyIdentityAccessor identityAccessor, SafetyBlockBehavior onBlock)
        : base(
            (innerClient ?? throw new ArgumentNullException(nameof(innerClient))).Pipeline,
            innerClient.Model,
            new OpenAIClientOptions { Endpoint = innerClient.Endpoint })
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(identityAccessor);
        _inner = innerClient;
        _pipeline = pipeline;
        _identityAccessor = identityAccessor;
        _onBlock = onBlock;
    }

    /// <summary>Gets the composed safety pipeline this client runs.</summary>
    public SafetyPipeline SafetyPipeline => _pipeline;

    /// <summary>Runs one call through the pipeline and reports everything that happened, without throwing for a block.</summary>
    /// <param name="request">The messages, options, identity, sources and risk domain.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit still written.</param>
    /// <returns>Completed with the answer, Blocked or PendingReview with the decisive verdict; always with the verdicts, usage, cost and audit id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">A message has an unsupported type.</exception>
    /// <exception cref="NotSupportedException">The request's options ask for more than one choice (<c>n</c> &gt; 1): only one answer per call is checked.</exception>
    /// <exception cref="ClientResultException">The model endpoint failed after the SDK's retries.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public virtual Task<SafeChatResult> CompleteAsync(SafeChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CompleteCoreAsync(request, request.ResponseSchema, cancellationToken);
    }

    /// <summary>
    /// Runs one structured-output call: the JSON schema of <typeparamref name="T"/> (System.Text.Json's
    /// <c>JsonSchemaExporter</c>, rewritten to OpenAI's strict subset) is sent as a strict
    /// <c>json_schema</c> response format, the answer is validated against it by
    /// <see cref="JsonSchemaValidator"/> (the model is asked again with the errors up to
    /// <see cref="SafeOpenAIOptions.MaxReasks"/> times, each attempt budgeted), and the valid answer
    /// is deserialised into <see cref="SafeChatResult{T}.Value"/>.
    /// </summary>
    /// <typeparam name="T">A type serialised as a JSON object (a class, record or struct with properties); put lists and scalars in a property.</typeparam>
    /// <param name="request">The messages, options, identity, sources and risk domain; its <see cref="SafeChatRequest.ResponseSchema"/> must be unset (the schema comes from <typeparamref name="T"/>) and its response format is replaced.</param>
    /// <param name="serializerOptions">The options that shape the schema and the deserialisation; <see langword="null"/> for web defaults (camelCase names), enums as names, numbers only as JSON numbers, nullable annotations respected.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit still written.</param>
    /// <returns>Completed with the answer and its value; Blocked (for example <c>schema.invalid</c> when the attempts are spent, with the error paths in the verdict's evidence) or PendingReview with the decisive verdict and a default value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="request"/> has a <see cref="SafeChatRequest.ResponseSchema"/>, or a message has an unsupported type.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be expressed as an OpenAI strict schema (not an object, a dictionary, an untyped value).</exception>
    /// <exception cref="StructuredOutputException">The answer passed the schema check but could not be deserialised into <typeparamref name="T"/>.</exception>
    /// <exception cref="ClientResultException">The model endpoint failed after the SDK's retries.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public virtual async Task<SafeChatResult<T>> CompleteAsync<T>(SafeChatRequest request, System.Text.Json.JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ResponseSchema is not null)
        {
            throw new ArgumentException("CompleteAsync<T> generates the response schema from T; leave SafeChatRequest.ResponseSchema unset, or call CompleteAsync(SafeChatRequest).", nameof(request));
        }

        var jsonOptions = serializerOptions ?? StrictJsonSchema.DefaultSerializerOptions;
        var schema = StrictJsonSchema.For(typeof(T), jsonOptions);
        var result = await CompleteCoreAsync(request, schema, cancellationToken).ConfigureAwait(false);
        if (result.Status != SafeChatStatus.Completed)
        {
            return new SafeChatResult<T>(result, default);
        }

        T? value;
        try
        {
            value = System.Text.Json.JsonSerializer.Deserialize<T>(OpenAIChatAdapter.JoinText(result.Completion!.Content), jsonOptions);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            var path = (ex as System.Text.Json.JsonException)?.Path is { Length: > 0 } p ? " at " + p : string.Empty;
            throw new StructuredOutputException(result, typeof(T), $"The answer passed the JSON schema '{schema.Name}' but could not be deserialised as {typeof(T)}{path} ({ex.GetType().Name}).", ex);
        }

        return value is null
            ? throw new StructuredOutputException(result, typeof(T), $"The answer passed the JSON schema '{schema.Name}' but deserialised as null, not {typeof(T)}.", null)
            : new SafeChatResult<T>(result, value);
    }

    /// <summary>
    /// Streams one call with everything a <see cref="SafeChatRequest"/> carries (identity, sources
    /// for the groundedness check, response schema, risk domain). The answer is checked in windows
    /// as in <see cref="CompleteChatStreamingAsync(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>;
    /// a block does not throw: the enumeration ends after the updates already released, and
    /// <see cref="SafeChatStreamingResult.Result"/> then holds the status, the decisive verdict,
    /// every verdict, usage, cost and audit id.
    /// </summary>
    /// <param name="request">The messages, options, identity, sources, response schema and risk domain.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit still written.</param>
    /// <returns>The updates as the pipeline releases them; enumerate once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <remarks>Enumerating throws <see cref="ClientResultException"/> when the model endpoint failed, <see cref="OperationCanceledException"/> when the call was cancelled, and <see cref="NotSupportedException"/> when the options ask for more than one choice (<c>n</c> &gt; 1).</remarks>
    public virtual SafeChatStreamingResult CompleteStreamingAsync(SafeChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.ResponseSchema is { } schema ? OpenAIChatAdapter.WithResponseSchema(request.Options, schema) : request.Options;
        return new SafeChatStreamingResult(
            (writer, report, token) => RunStreamingAsync(request.Messages, options, request.Identity, request.Sources, request.RiskDomain, writer, report, throwOnBlock: false, token),
            cancellationToken);
    }

    /// <inheritdoc cref="ChatClient.CompleteChatAsync(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>
    /// <exception cref="SafetyViolationException">A stage blocked the call (unless configured to return a refusal).</exception>
    /// <exception cref="NotSupportedException">The options ask for more than one choice (<c>n</c> &gt; 1): only one answer per call is checked.</exception>
    public override async Task<ClientResult<ChatCompletion>> CompleteChatAsync(IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = OpenAIChatAdapter.Materialize(messages, nameof(messages));
        var (result, raw) = await RunAsync(list, options, null, [], null, cancellationToken).ConfigureAwait(false);
        // The model's own HTTP response holds the answer as the model gave it: it is handed on only
        // when that is exactly the answer returned, never for a rewritten (redacted) or refused one.
        var passedUnchanged = result.Status == SafeChatStatus.Completed && result.Response is { IsRewritten: false, RawRepresentation: not null };
        return ClientResult.FromValue(CompletionOrRefusal(result), passedUnchanged && raw is not null ? raw : new SyntheticPipelineResponse());
    }

    /// <inheritdoc cref="ChatClient.CompleteChat(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>
    /// <exception cref="SafetyViolationException">A stage blocked the call (unless configured to return a refusal).</exception>
    /// <exception cref="NotSupportedException">The options ask for more than one choice (<c>n</c> &gt; 1): only one answer per call is checked.</exception>
    public override ClientResult<ChatCompletion> CompleteChat(IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default) =>
        CompleteChatAsync(messages, options, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="ChatClient.CompleteChatAsync(ChatMessage[])"/>
    /// <exception cref="SafetyViolationException">A stage blocked the call (unless configured to return a refusal).</exception>
    /// <exception cref="NotSupportedException">The options ask for more than one choice (<c>n</c> &gt; 1): only one answer per call is checked.</exception>
    public override Task<ClientResult<ChatCompletion>> CompleteChatAsync(params ChatMessage[] messages) =>
        CompleteChatAsync(messages, null, CancellationToken.None);

    /// <inheritdoc cref="ChatClient.CompleteChat(ChatMessage[])"/>
    /// <exception cref="SafetyViolationException">A stage blocked the call (unless configured to return a refusal).</exception>
    /// <exception cref="NotSupportedException">The options ask for more than one choice (<c>n</c> &gt; 1): only one answer per call is checked.</exception>
    public override ClientResult<ChatCompletion> CompleteChat(params ChatMessage[] messages) =>
        CompleteChat(messages, null, CancellationToken.None);

    /// <inheritdoc cref="ChatClient.CompleteChatStreamingAsync(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>
    /// <remarks>
    /// The answer is checked in sentence-aligned windows (<see cref="SafeOpenAIOptions.Streaming"/>):
    /// in HoldBack mode (the default) no update is yielded before its window passed; in CutOff mode
    /// updates flow at once and the stream stops when a window fails. A block throws
    /// <see cref="SafetyViolationException"/> from the enumeration after the updates already
    /// released, or, with <see cref="SafetyBlockBehavior.ReturnRefusal"/>, ends with one update whose
    /// finish reason is <see cref="ChatFinishReason.ContentFilter"/>.
    /// </remarks>
    public override AsyncCollectionResult<StreamingChatCompletionUpdate> CompleteChatStreamingAsync(IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = OpenAIChatAdapter.Materialize(messages, nameof(messages));
        return new SafeChatStreamingResult((writer, report, token) => RunStreamingAsync(list, options, null, [], null, writer, report, throwOnBlock: true, token), cancellationToken);
    }

    /// <inheritdoc cref="ChatClient.CompleteChatStreaming(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>
    /// <remarks>The answer is checked in windows as in <see cref="CompleteChatStreamingAsync(IEnumerable{ChatMessage}, ChatCompletionOptions, CancellationToken)"/>.</remarks>
    public override CollectionResult<StreamingChatCompletionUpdate> CompleteChatStreaming(IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = OpenAIChatAdapter.Materialize(messages, nameof(messages));
        return new SafeStreamingCollection((writer, token) => RunStreamingAsync(list, options, null, [], null, writer, null, throwOnBlock: true, token), cancellationToken);
    }

    /// <inheritdoc cref="ChatClient.CompleteChatStreamingAsync(ChatMessage[])"/>
    public override AsyncCollectionResult<StreamingChatCompletionUpdate> CompleteChatStreamingAsync(params ChatMessage[] messages) =>
        CompleteChatStreamingAsync(messages, null, CancellationToken.None);

    /// <inheritdoc cref="ChatClient.CompleteChatStreaming(ChatMessage[])"/>
    public override CollectionResult<StreamingChatCompletionUpdate> CompleteChatStreaming(params ChatMessage[] messages) =>
        CompleteChatStreaming(messages, null, CancellationToken.None);

    /// <summary>Not supported: a raw request body cannot be guarded.</summary>
    /// <param name="content">Ignored.</param>
    /// <param name="options">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always; use <c>CompleteChat(IEnumerable&lt;ChatMessage&gt;, ChatCompletionOptions, CancellationToken)</c>.</exception>
    public override ClientResult CompleteChat(BinaryContent content, RequestOptions? options = null) =>
        throw RawContentNotSupported("CompleteChat(IEnumerable<ChatMessage>, ChatCompletionOptions, CancellationToken)");

    /// <summary>Not supported: a raw request body cannot be guarded.</summary>
    /// <param name="content">Ignored.</param>
    /// <param name="options">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always; use <c>CompleteChatAsync(IEnumerable&lt;ChatMessage&gt;, ChatCompletionOptions, CancellationToken)</c>.</exception>
    public override Task<ClientResult> CompleteChatAsync(BinaryContent content, RequestOptions? options = null) =>
        throw RawContentNotSupported("CompleteChatAsync(IEnumerable<ChatMessage>, ChatCompletionOptions, CancellationToken)");

    /// <summary>Not supported: a raw request body cannot be guarded.</summary>
    /// <param name="completionId">Ignored.</param>
    /// <param name="content">Ignored.</param>
    /// <param name="options">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always; use <c>UpdateChatCompletion(string, IDictionary&lt;string, string&gt;, CancellationToken)</c>.</exception>
    public override ClientResult UpdateChatCompletion(string completionId, BinaryContent content, RequestOptions? options = null) =>
        throw RawContentNotSupported("UpdateChatCompletion(string, IDictionary<string, string>, CancellationToken)");

    /// <summary>Not supported: a raw request body cannot be guarded.</summary>
    /// <param name="completionId">Ignored.</param>
    /// <param name="content">Ignored.</param>
    /// <param name="options">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always; use <c>UpdateChatCompletionAsync(string, IDictionary&lt;string, string&gt;, CancellationToken)</c>.</exception>
    public override Task<ClientResult> UpdateChatCompletionAsync(string completionId, BinaryContent content, RequestOptions? options = null) =>
        throw RawContentNotSupported("UpdateChatCompletionAsync(string, IDictionary<string, string>, CancellationToken)");

    /// <inheritdoc/>
    public override Task<ClientResult<ChatCompletion>> GetChatCompletionAsync(string completionId, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletionAsync(completionId, cancellationToken);

    /// <inheritdoc/>
    public override ClientResult<ChatCompletion> GetChatCompletion(string completionId, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletion(completionId, cancellationToken);

    /// <inheritdoc/>
    public override Task<ClientResult> GetChatCompletionAsync(string completionId, RequestOptions? options) =>
        _inner.GetChatCompletionAsync(completionId, options);

    /// <inheritdoc/>
    public override ClientResult GetChatCompletion(string completionId, RequestOptions? options) =>
        _inner.GetChatCompletion(completionId, options);

    /// <inheritdoc/>
    public override ClientResult<ChatCompletion> UpdateChatCompletion(string completionId, IDictionary<string, string> metadata, CancellationToken cancellationToken = default) =>
        _inner.UpdateChatCompletion(completionId, metadata, cancellationToken);

    /// <inheritdoc/>
    public override Task<ClientResult<ChatCompletion>> UpdateChatCompletionAsync(string completionId, IDictionary<string, string> metadata, CancellationToken cancellationToken = default) =>
        _inner.UpdateChatCompletionAsync(completionId, metadata, cancellationToken);

    /// <inheritdoc/>
    public override Task<ClientResult<ChatCompletionDeletionResult>> DeleteChatCompletionAsync(string completionId, CancellationToken cancellationToken = default) =>
        _inner.DeleteChatCompletionAsync(completionId, cancellationToken);

    /// <inheritdoc/>
    public override ClientResult<ChatCompletionDeletionResult> DeleteChatCompletion(string completionId, CancellationToken cancellationToken = default) =>
        _inner.DeleteChatCompletion(completionId, cancellationToken);

    /// <inheritdoc/>
    public override ClientResult DeleteChatCompletion(string completionId, RequestOptions? options) =>
        _inner.DeleteChatCompletion(completionId, options);

    /// <inheritdoc/>
    public override Task<ClientResult> DeleteChatCompletionAsync(string completionId, RequestOptions? options) =>
        _inner.DeleteChatCompletionAsync(completionId, options);

    /// <inheritdoc/>
    public override CollectionResult GetChatCompletions(string? after, int? limit, string? order, IDictionary<string, string>? metadata, string? model, RequestOptions? options) =>
        _inner.GetChatCompletions(after, limit, order, metadata, model, options);

    /// <inheritdoc/>
    public override AsyncCollectionResult GetChatCompletionsAsync(string? after, int? limit, string? order, IDictionary<string, string>? metadata, string? model, RequestOptions? options) =>
        _inner.GetChatCompletionsAsync(after, limit, order, metadata, model, options);

    /// <inheritdoc/>
    public override CollectionResult<ChatCompletion> GetChatCompletions(ChatCompletionCollectionOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletions(options, cancellationToken);

    /// <inheritdoc/>
    public override AsyncCollectionResult<ChatCompletion> GetChatCompletionsAsync(ChatCompletionCollectionOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletionsAsync(options, cancellationToken);

    /// <inheritdoc/>
    public override CollectionResult GetChatCompletionMessages(string completionId, string? after, int? limit, string? order, RequestOptions? options) =>
        _inner.GetChatCompletionMessages(completionId, after, limit, order, options);

    /// <inheritdoc/>
    public override AsyncCollectionResult GetChatCompletionMessagesAsync(string completionId, string? after, int? limit, string? order, RequestOptions? options) =>
        _inner.GetChatCompletionMessagesAsync(completionId, after, limit, order, options);

    /// <inheritdoc/>
    public override CollectionResult<ChatCompletionMessageListDatum> GetChatCompletionMessages(string completionId, ChatCompletionMessageCollectionOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletionMessages(completionId, options, cancellationToken);

    /// <inheritdoc/>
    public override AsyncCollectionResult<ChatCompletionMessageListDatum> GetChatCompletionMessagesAsync(string completionId, ChatCompletionMessageCollectionOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetChatCompletionMessagesAsync(completionId, options, cancellationToken);

    private static NotSupportedException RawContentNotSupported(string typedMethod) =>
        new($"SafeChatClient cannot guard a raw BinaryContent request body; call the typed method {typedMethod} instead.");

    private async Task<(SafetyPipelineResult Result, PipelineResponse? Raw)> RunAsync(
        IReadOnlyList<ChatMessage> messages,
        ChatCompletionOptions? options,
        SafetyIdentity? identity,
        IReadOnlyList<SourceDocument> sources,
        string? riskDomain,
        CancellationToken cancellationToken)
    {
        PipelineResponse? raw = null;
        var request = CreateRequest(messages, options, identity, sources, riskDomain);
        var result = await _pipeline.RunAsync(
            request,
            async (guarded, token) =>
            {
                var completion = await _inner.CompleteChatAsync(
                    OpenAIChatAdapter.ToChatMessages(guarded.Messages),
                    OpenAIChatAdapter.PrepareOptions(options, guarded),
                    token).ConfigureAwait(false);
                raw = completion.GetRawResponse();
                return OpenAIChatAdapter.ToSafetyResponse(completion.Value);
            },
            cancellationToken).ConfigureAwait(false);
        return (result, raw);
    }

    private async Task RunStreamingAsync(
        IReadOnlyList<ChatMessage> messages,
        ChatCompletionOptions? options,
        SafetyIdentity? identity,
        IReadOnlyList<SourceDocument> sources,
        string? riskDomain,
        ChannelWriter<StreamingChatCompletionUpdate> writer,
        Action<SafeChatResult>? report,
        bool throwOnBlock,
        CancellationToken cancellationToken)
    {
        var request = CreateRequest(messages, options, identity, sources, riskDomain);
        var released = false;
        var result = await _pipeline.RunStreamingAsync(
            request,
            (guarded, token) => StreamModelAsync(guarded, options, token),
            async (release, token) =>
            {
                foreach (var update in StreamingAnswerBuffer.UpdatesFor(release))
                {
                    await writer.WriteAsync(update, token).ConfigureAwait(false);
                    released = true;
                }
            },
            cancellationToken).ConfigureAwait(false);

        report?.Invoke(new SafeChatResult(result, result.Status == SafeChatStatus.Completed ? OpenAIChatAdapter.ToCompletion(result.Response!) : null));
        if (result.Status == SafeChatStatus.Completed)
        {
            if (!released && result.Response is { RawRepresentation: null } answer)
            {
                // An input guard answered without the model (a curated article): stream it as one update.
                foreach (var update in OpenAIChatAdapter.ToStreamingUpdates(answer))
                {
                    await writer.WriteAsync(update, cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        if (!throwOnBlock)
        {
            // Full control: the block is reported through the result, not thrown.
            return;
        }

        if (_onBlock != SafetyBlockBehavior.ReturnRefusal)
        {
            throw new SafetyViolationException(result.DecisiveVerdict!, result.Verdicts, result.AuditId);
        }

        // Text already shown stays shown; the stream ends the way a content filter ends it.
        var refusal = OpenAIChatAdapter.CreateRefusal(result);
        await writer.WriteAsync(
            OpenAIChatModelFactory.StreamingChatCompletionUpdate(
                completionId: refusal.Id,
                contentUpdate: released ? new ChatMessageContent(string.Empty) : refusal.Content,
                role: ChatMessageRole.Assistant,
                finishReason: ChatFinishReason.ContentFilter,
                createdAt: refusal.CreatedAt,
                model: refusal.Model,
                usage: refusal.Usage),
            cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<SafetyStreamChunk> StreamModelAsync(SafetyRequest guarded, ChatCompletionOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new StreamingAnswerBuffer();
        var stream = _inner.CompleteChatStreamingAsync(
            OpenAIChatAdapter.ToChatMessages(guarded.Messages),
            OpenAIChatAdapter.PrepareOptions(options, guarded),
            cancellationToken);
        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return buffer.Add(update);
        }

        yield return SafetyStreamChunk.Completed(buffer.ToSafetyResponse());
    }

    private async Task<SafeChatResult> CompleteCoreAsync(SafeChatRequest request, JsonResponseSchema? schema, CancellationToken cancellationToken)
    {
        var options = schema is null ? request.Options : OpenAIChatAdapter.WithResponseSchema(request.Options, schema);
        var (result, _) = await RunAsync(request.Messages, options, request.Identity, request.Sources, request.RiskDomain, cancellationToken).ConfigureAwait(false);
        return new SafeChatResult(result, result.Status == SafeChatStatus.Completed ? OpenAIChatAdapter.ToCompletion(result.Response!) : null);
    }

    private SafetyRequest CreateRequest(IReadOnlyList<ChatMessage> messages, ChatCompletionOptions? options, SafetyIdentity? identity, IReadOnlyList<SourceDocument> sources, string? riskDomain)
    {
        OpenAIChatAdapter.EnsureSingleChoice(options);
        return new(OpenAIChatAdapter.ToSafetyMessages(messages), Model)
        {
            Identity = identity ?? _identityAccessor.Current ?? SafetyIdentity.Anonymous,
            SafetyIdentifier = options?.SafetyIdentifier,
            Parameters = OpenAIChatAdapter.ReadParameters(options),
            Sources = sources ?? [],
            RiskDomain = riskDomain,
            ResponseSchema = OpenAIChatAdapter.ReadResponseSchema(options),
            Tools = OpenAIChatAdapter.ReadTools(options),
        };
    }

    private ChatCompletion CompletionOrRefusal(SafetyPipelineResult result)
    {
        if (result.Status == SafeChatStatus.Completed)
        {
            return OpenAIChatAdapter.ToCompletion(result.Response!);
        }

        if (_onBlock == SafetyBlockBehavior.ReturnRefusal)
        {
            return OpenAIChatAdapter.CreateRefusal(result);
        }

        throw new SafetyViolationException(result.DecisiveVerdict!, result.Verdicts, result.AuditId);
    }
}
#pragma warning restore RS0026, RS0027
