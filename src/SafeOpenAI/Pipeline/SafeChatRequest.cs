using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// One call through <see cref="SafeChatClient.CompleteAsync(SafeChatRequest, CancellationToken)"/>:
/// the messages and options of an ordinary <c>ChatClient</c> call plus what the safety stages need
/// (who is asking, the sources the answer must be grounded in, the risk domain).
/// </summary>
/// <remarks>The request is not changed by the pipeline; it may be reused.</remarks>
public sealed class SafeChatRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="messages">The conversation; at least one message, none null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty or contains a null message.</exception>
    public SafeChatRequest(IEnumerable<ChatMessage> messages)
    {
        Messages = OpenAIChatAdapter.Materialize(messages, nameof(messages));
    }

    /// <summary>Gets the conversation.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets the SDK options (max output tokens, temperature, response format, tools, ...); hardening applies to a copy.</summary>
    public ChatCompletionOptions? Options { get; init; }

    /// <summary>Gets the end user and session; <see langword="null"/> takes the identity from the registered <see cref="ISafetyIdentityAccessor"/>.</summary>
    public SafetyIdentity? Identity { get; init; }

    /// <summary>Gets the sources the answer should be grounded in (RAG passages); empty when none.</summary>
    public IReadOnlyList<SourceDocument> Sources { get; init; } = [];

    /// <summary>
    /// Gets the JSON schema the answer must follow, or <see langword="null"/> for free text. When set,
    /// it is sent as the <c>json_schema</c> response format (replacing one in <see cref="Options"/>)
    /// and <see cref="JsonSchemaValidator"/> checks the answer against it, asking the model again on
    /// failure. A raw schema string works: <c>new JsonResponseSchema("invoice", schemaJson, strict: true)</c>;
    /// with <c>strict</c> OpenAI requires its strict subset
    /// (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas).
    /// <c>CompleteAsync&lt;T&gt;</c> generates it from <c>T</c> and needs it unset.
    /// </summary>
    public JsonResponseSchema? ResponseSchema { get; init; }

    /// <summary>Gets the risk domain the application declares (for example <c>healthcare</c>, <c>finance</c>, <c>legal</c>), or <see langword="null"/>.</summary>
    public string? RiskDomain { get; init; }
}
