using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SafeOpenAI;

/// <summary>
/// The neutral view of one request that every stage reads: the messages as they will be sent,
/// who is asking, the model and its parameters, and the request's sources and risk domain.
/// </summary>
/// <remarks>
/// The pipeline creates a new instance (with <see cref="WithMessages"/> and friends) whenever a
/// stage rewrites something, so a stage always sees what the previous stages left. Every member
/// but <see cref="Items"/> is immutable; <see cref="Items"/> is a thread-safe bag that stages use
/// to hand per-request state (a canary token, a redaction vault) to later stages of the same call.
/// </remarks>
public sealed class SafetyRequest
{
    private StrongBox<ConcurrentDictionary<string, object?>?> _items = new();

    /// <summary>Creates a request view.</summary>
    /// <param name="messages">The conversation, in order; at least one message.</param>
    /// <param name="model">The model the request goes to, for example <c>gpt-4o-mini</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty, or <paramref name="model"/> is null or white space.</exception>
    public SafetyRequest(IReadOnlyList<SafetyMessage> messages, string model)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (messages.Count == 0)
        {
            throw new ArgumentException("A request needs at least one message.", nameof(messages));
        }

        Messages = messages;
        Model = model;
    }

    /// <summary>Gets the messages as they will be sent to the model, after earlier rewrites.</summary>
    public IReadOnlyList<SafetyMessage> Messages { get; private init; }

    /// <summary>Gets the model the request goes to.</summary>
    public string Model { get; }

    /// <summary>Gets the end user and session the request is made for.</summary>
    public SafetyIdentity Identity { get; init; } = SafetyIdentity.Anonymous;

    /// <summary>Gets the hashed end-user id sent to OpenAI as <c>safety_identifier</c>, or <see langword="null"/> for anonymous calls.</summary>
    public string? SafetyIdentifier { get; init; }

    /// <summary>Gets the sampling parameters, after hardening.</summary>
    public GenerationParameters Parameters { get; init; } = new();

    /// <summary>Gets the sources the answer should be grounded in; empty when none.</summary>
    public IReadOnlyList<SourceDocument> Sources { get; init; } = [];

    /// <summary>
    /// Gets the JSON schema the answer must follow (from a <c>json_schema</c> response format, or
    /// <c>CompleteAsync&lt;T&gt;</c>), or <see langword="null"/> when the answer is free text.
    /// </summary>
    public JsonResponseSchema? ResponseSchema { get; init; }

    /// <summary>
    /// Gets the function tools the request offers the model, with their argument schemas; empty
    /// when it offers none. <see cref="ToolCallValidator"/> checks the model's tool calls against them.
    /// </summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Gets the risk domain the application declared (for example <c>healthcare</c>), or <see langword="null"/>.</summary>
    public string? RiskDomain { get; init; }

    /// <summary>Gets the id of the audit record this call will write.</summary>
    public string AuditId { get; init; } = string.Empty;

    /// <summary>Gets per-request state that stages hand to later stages of the same call.</summary>
    public IDictionary<string, object?> Items
    {
        get
        {
            // Created on first use and shared by every copy of this request: most calls never need it.
            var items = _items.Value;
            if (items is null)
            {
                Interlocked.CompareExchange(ref _items.Value, new ConcurrentDictionary<string, object?>(StringComparer.Ordinal), null);
                items = _items.Value!;
            }

            return items;
        }
    }

    /// <summary>Enumerates the parts the end user wrote: every part of every <see cref="MessageRole.User"/> message.</summary>
    /// <returns>The parts, in conversation order.</returns>
    public IEnumerable<MessagePart> UserAuthoredParts()
    {
        foreach (var message in Messages)
        {
            if (message.Role == MessageRole.User)
            {
                foreach (var part in message.Parts)
                {
                    yield return part;
                }
            }
        }
    }

    internal SafetyRequest With(string? safetyIdentifier, GenerationParameters parameters, string auditId) =>
        Copy(Messages, safetyIdentifier, parameters, auditId);

    /// <summary>Returns a copy of this request with other messages; everything else, including <see cref="Items"/>, is shared.</summary>
    /// <param name="messages">The new messages; at least one.</param>
    /// <returns>The new view.</returns>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty.</exception>
    public SafetyRequest WithMessages(IReadOnlyList<SafetyMessage> messages) =>
        Copy(messages, SafetyIdentifier, Parameters, AuditId);

    /// <summary>Returns a copy of this request with other sources; everything else, including <see cref="Items"/>, is shared.</summary>
    /// <param name="sources">The new sources; may be empty.</param>
    /// <returns>The new view.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sources"/> is null.</exception>
    public SafetyRequest WithSources(IReadOnlyList<SourceDocument> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return Copy(Messages, SafetyIdentifier, Parameters, AuditId, sources);
    }

    private SafetyRequest Copy(IReadOnlyList<SafetyMessage> messages, string? safetyIdentifier, GenerationParameters parameters, string auditId, IReadOnlyList<SourceDocument>? sources = null) =>
        new(messages, Model)
        {
            Identity = Identity,
            SafetyIdentifier = safetyIdentifier,
            Parameters = parameters,
            Sources = sources ?? Sources,
            ResponseSchema = ResponseSchema,
            Tools = Tools,
            RiskDomain = RiskDomain,
            AuditId = auditId,
            _items = _items,
        };
}
