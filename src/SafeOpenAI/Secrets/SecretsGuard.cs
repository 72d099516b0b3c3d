using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Keeps credentials out of the model: finds API keys, tokens and private keys
/// (<see cref="SecretDetector"/>) in user messages (and tool messages unless turned off) and
/// redacts them with <c>&lt;SECRET_n&gt;</c> placeholders or blocks the request.
/// </summary>
/// <remarks>
/// Verdicts: Allow; Rewrite with code <c>secret.redacted</c> and evidence <c>total</c> plus a count
/// per kind; or Block with code <c>secret.blocked:&lt;KIND&gt;</c> and evidence <c>kind</c>. A secret
/// never appears in a verdict, and redacted secrets are never restored in the answer. Register it
/// before <see cref="PiiRedactionGuard"/> so a key is not half-taken for a phone number. Thread-safe.
/// </remarks>
public sealed class SecretsGuard : IInputGuard
{
    /// <summary>The verdict code of a redaction: <c>secret.redacted</c>.</summary>
    public const string RedactedCode = "secret.redacted";

    /// <summary>The prefix of a block's verdict code, followed by the kind: <c>secret.blocked:</c>.</summary>
    public const string BlockedCodePrefix = "secret.blocked:";

    private const string StageName = "Secrets";
    private const string BlockedMessage = "Your message contains a credential (an API key, token or private key). Remove it and try again.";

    private readonly SecretDetector _detector;
    private readonly Dictionary<string, SecretAction> _actions;
    private readonly SecretAction _defaultAction;
    private readonly bool _includeTools;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The options; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public SecretsGuard(SecretsGuardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _detector = options.DetectHighEntropyTokens ? SecretDetector.Default : new SecretDetector(detectHighEntropyTokens: false);
        _actions = new Dictionary<string, SecretAction>(options.Actions, StringComparer.Ordinal);
        _defaultAction = options.DefaultAction;
        _includeTools = options.IncludeToolMessages;
    }

    /// <summary>Gets the stage name: <c>Secrets</c>.</summary>
    public string Name => StageName;

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
        var number = 0;
        return UserTextRedaction.Apply(request, _includeTools, StageName, RedactedCode, (text, tally) =>
        {
            var findings = _detector.Detect(text);
            if (findings.Count == 0)
            {
                return PartRedaction.Unchanged;
            }

            foreach (var finding in findings)
            {
                if ((_actions.TryGetValue(finding.Kind, out var action) ? action : _defaultAction) == SecretAction.Block)
                {
                    var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = finding.Kind };
                    return PartRedaction.Blocked(SafetyVerdict.Block(StageName, BlockedCodePrefix + finding.Kind, BlockedMessage, evidence));
                }
            }

            var builder = new StringBuilder(text.Length);
            var copied = 0;
            foreach (var finding in findings)
            {
                builder.Append(text, copied, finding.Start - copied)
                    .Append("<SECRET_").Append((++number).ToString(CultureInfo.InvariantCulture)).Append('>');
                copied = finding.End;
                tally.Add(finding.Kind);
            }

            builder.Append(text, copied, text.Length - copied);
            return PartRedaction.Rewritten(builder.ToString());
        }, cancellationToken);
    }
}
