using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Redacts personal data from every user-authored text part (user messages, and tool messages
/// unless <see cref="PiiRedactionOptions.IncludeToolMessages"/> is off) before moderation and
/// before the model, with a <see cref="PiiAnalyzer"/> and an operator per entity type
/// (<see cref="PiiOperator"/>): a typed numbered placeholder, a mask, a keyed hash, or a block.
/// </summary>
/// <remarks>
/// <para>Verdicts: Allow when nothing is found; Rewrite with code <c>pii.redacted</c> and evidence
/// <c>total</c> plus one count per entity type (keys are the entity types); or Block with code
/// <c>pii.blocked:&lt;TYPE&gt;</c> when a type whose operator is <see cref="PiiOperator.Block"/> is found.
/// No value ever appears in a verdict.</para>
/// <para>Reversible mode (<see cref="PiiRedactionOptions.Reversible"/>): placeholders and their values
/// are kept in a vault in <see cref="SafetyRequest.Items"/> that <see cref="PiiRestoringValidator"/>
/// reads to restore the answer; the vault lives in memory for one call only.</para>
/// <para>Thread-safe; options are read once. Cost: one analyzer pass per text part (linear).</para>
/// </remarks>
public sealed class PiiRedactionGuard : IInputGuard
{
    /// <summary>The verdict code of a redaction: <c>pii.redacted</c>.</summary>
    public const string RedactedCode = "pii.redacted";

    /// <summary>The prefix of a block's verdict code, followed by the entity type: <c>pii.blocked:</c>.</summary>
    public const string BlockedCodePrefix = "pii.blocked:";

    private const string StageName = "PiiRedaction";
    private const string BlockedMessage = "Your message contains personal data that cannot be sent.";

    private readonly PiiAnalyzer _analyzer;
    private readonly Dictionary<string, PiiOperator> _operators;
    private readonly PiiOperator _defaultOperator;
    private readonly bool _reversible;
    private readonly bool _includeTools;
    private readonly char _maskCharacter;
    private readonly SafetyHasher? _hasher;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The options; read once.</param>
    /// <param name="hasher">The keyed hasher for <see cref="PiiOperator.Hash"/>; required only when that operator is used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The hash operator is configured but no hasher is given, or an analyzer option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PiiRedactionOptions.MinimumScore"/> is outside 0–1.</exception>
    public PiiRedactionGuard(PiiRedactionOptions options, SafetyHasher? hasher = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _analyzer = new PiiAnalyzer(options.Recognizers, options.Entities, options.MinimumScore, options.DefaultPhoneRegion);
        _operators = new Dictionary<string, PiiOperator>(options.Operators, StringComparer.Ordinal);
        _defaultOperator = options.DefaultOperator;
        _reversible = options.Reversible;
        _includeTools = options.IncludeToolMessages;
        _maskCharacter = options.MaskCharacter;
        _hasher = hasher;
        if (hasher is null && (_defaultOperator == PiiOperator.Hash || _operators.ContainsValue(PiiOperator.Hash)))
        {
            throw new ArgumentException("The Hash operator needs a SafetyHasher.", nameof(hasher));
        }
    }

    /// <summary>Gets the stage name: <c>PiiRedaction</c>.</summary>
    public string Name => StageName;

    /// <summary>Gets the analyzer the guard uses.</summary>
    public PiiAnalyzer Analyzer => _analyzer;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Inspect(request, cancellationToken));
    }

    private InputGuardResult Inspect(SafetyRequest request, CancellationToken cancellationToken)
    {
        PiiVault? vault = null;
        return UserTextRedaction.Apply(request, _includeTools, StageName, RedactedCode, (text, tally) =>
        {
            var entities = _analyzer.Analyze(text);
            if (entities.Count == 0)
            {
                return PartRedaction.Unchanged;
            }

            foreach (var entity in entities)
            {
                if (OperatorFor(entity.EntityType) == PiiOperator.Block)
                {
                    var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["entity_type"] = entity.EntityType };
                    return PartRedaction.Blocked(SafetyVerdict.Block(StageName, BlockedCodePrefix + entity.EntityType, BlockedMessage, evidence));
                }
            }

            vault ??= PiiVault.For(request, _reversible ? PiiVault.ItemKey : PiiVault.NumberingOnlyKey);
            return PartRedaction.Rewritten(Apply(text, entities, vault, tally));
        }, cancellationToken);
    }

    private PiiOperator OperatorFor(string entityType) =>
        _operators.TryGetValue(entityType, out var op) ? op : _defaultOperator;

    private string Apply(string text, IReadOnlyList<PiiEntity> entities, PiiVault vault, RedactionTally tally)
    {
        var builder = new StringBuilder(text.Length + 16 * entities.Count);
        var copied = 0;
        foreach (var entity in entities)
        {
            builder.Append(text, copied, entity.Start - copied);
            var value = text.Substring(entity.Start, entity.Length);
            switch (OperatorFor(entity.EntityType))
            {
                case PiiOperator.Mask:
                    foreach (var c in value)
                    {
                        builder.Append(char.IsLetterOrDigit(c) ? _maskCharacter : c);
                    }

                    break;
                case PiiOperator.Hash:
                    builder.Append('<').Append(entity.EntityType).Append(':').Append(_hasher!.HashContent(value).AsSpan(0, 16)).Append('>');
                    break;
                default:
                    builder.Append(vault.PlaceholderFor(entity.EntityType, value));
                    break;
            }

            tally.Add(entity.EntityType);
            copied = entity.End;
        }

        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }
}
