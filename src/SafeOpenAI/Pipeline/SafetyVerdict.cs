using System.Collections.ObjectModel;

namespace SafeOpenAI;

/// <summary>
/// The decision of one pipeline stage, with a stable machine-readable code. The verdict trail
/// (every verdict of one call, in order) is the single source for exceptions, audit records,
/// logs and metrics: stages never write to those themselves.
/// </summary>
/// <remarks>
/// <para>
/// Codes are stable strings of the form <c>area.reason</c> with an optional <c>:detail</c>
/// (for example <c>input.too_long</c>, <c>moderation.flagged:violence</c>,
/// <c>budget.exceeded:user-hour-tokens</c>). Allow verdicts use <see cref="AllowedCode"/>
/// unless the stage has something to record.
/// </para>
/// <para>
/// <see cref="Evidence"/> holds measurements and names (limits, counts, categories, scores),
/// never raw user text, PII or secrets: it is written to logs and audit records.
/// Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class SafetyVerdict
{
    /// <summary>The code of an Allow verdict that has nothing more to say: <c>allowed</c>.</summary>
    public const string AllowedCode = "allowed";

    private static readonly IReadOnlyDictionary<string, string> s_noEvidence =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    /// <summary>Creates a verdict.</summary>
    /// <param name="stage">The <c>Name</c> of the stage that decided.</param>
    /// <param name="action">The decision.</param>
    /// <param name="code">The stable code (see the remarks of <see cref="SafetyVerdict"/>).</param>
    /// <param name="userMessage">A message that is safe to show the end user, or <see langword="null"/>.</param>
    /// <param name="evidence">Measurements and names behind the decision; never raw user text.</param>
    /// <exception cref="ArgumentException"><paramref name="stage"/> or <paramref name="code"/> is null or white space.</exception>
    public SafetyVerdict(string stage, SafetyAction action, string code, string? userMessage = null, IReadOnlyDictionary<string, string>? evidence = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        Stage = stage;
        Action = action;
        Code = code;
        UserMessage = userMessage;
        Evidence = evidence ?? s_noEvidence;
    }

    /// <summary>Gets the name of the stage that decided.</summary>
    public string Stage { get; }

    /// <summary>Gets the pipeline step the stage ran in; set by the pipeline when the verdict joins the trail.</summary>
    public SafetyPhase Phase { get; private init; }

    /// <summary>Gets the decision.</summary>
    public SafetyAction Action { get; }

    /// <summary>Gets the stable machine-readable code, such as <c>moderation.flagged:violence</c>.</summary>
    public string Code { get; }

    /// <summary>Gets a message that is safe to show the end user, or <see langword="null"/>.</summary>
    public string? UserMessage { get; }

    /// <summary>Gets the measurements and names behind the decision (never raw user text).</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; }

    /// <summary>Creates an Allow verdict with code <see cref="AllowedCode"/>.</summary>
    /// <param name="stage">The <c>Name</c> of the stage.</param>
    /// <returns>The verdict.</returns>
    public static SafetyVerdict Allow(string stage) => new(stage, SafetyAction.Allow, AllowedCode);

    /// <summary>Creates a Block verdict.</summary>
    /// <param name="stage">The <c>Name</c> of the stage.</param>
    /// <param name="code">The stable code.</param>
    /// <param name="userMessage">A message that is safe to show the end user.</param>
    /// <param name="evidence">Measurements and names behind the decision; never raw user text.</param>
    /// <returns>The verdict.</returns>
    public static SafetyVerdict Block(string stage, string code, string userMessage, IReadOnlyDictionary<string, string>? evidence = null)
        => new(stage, SafetyAction.Block, code, userMessage, evidence);

    /// <inheritdoc />
    public override string ToString() => $"{Stage}: {Action} {Code}";

    internal SafetyVerdict InPhase(SafetyPhase phase) =>
        Phase == phase ? this : new SafetyVerdict(Stage, Action, Code, UserMessage, Evidence) { Phase = phase };
}
