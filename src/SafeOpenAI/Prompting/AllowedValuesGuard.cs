using System.Globalization;
using System.Text.Json;

namespace SafeOpenAI;

/// <summary>
/// Blocks a request whose user input is not one of a fixed list of values: the whole message, or
/// a named property of a JSON message (<see cref="AllowedValuesRule"/>). This is OpenAI's "Safety
/// best practices" advice to validate inputs that should come from a drop-down instead of accepting
/// free text.
/// </summary>
/// <remarks>
/// <para>
/// Every <see cref="MessageRole.User"/> message is checked against every rule, with its text parts
/// joined by line feeds; a message with no text is checked as the empty string. Values are
/// compared after Unicode NFKC normalisation and trimming, ignoring case, so full-width or
/// compatibility forms of an allowed value pass and nothing else does. A JSON rule also blocks a
/// message that is not a JSON object or lacks the property, or whose property is not a string or
/// number.
/// </para>
/// <para>
/// Verdicts: Allow, or Block with code <c>input.value_not_allowed</c> and evidence <c>field</c>
/// (the rule's field name), <c>allowed_count</c> and <c>reason</c> (<c>not_allowed</c>,
/// <c>missing</c> or <c>not_json</c>) — never the value. Thread-safe; the options are read once.
/// </para>
/// </remarks>
public sealed class AllowedValuesGuard : IInputGuard
{
    /// <summary>The verdict code of a value outside the list: <c>input.value_not_allowed</c>.</summary>
    public const string NotAllowedCode = "input.value_not_allowed";

    private const string StageName = "AllowedValues";
    private const string NotAllowedMessage = "Please choose one of the offered options.";
    private const int MaxJsonDepth = 16;

    private readonly AllowedValuesRule[] _rules;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The rules; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">There is no rule, or a rule is null.</exception>
    public AllowedValuesGuard(AllowedValuesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rules.Count == 0)
        {
            throw new ArgumentException("AllowedValuesOptions.Rules needs at least one rule.", nameof(options));
        }

        if (options.Rules.Any(r => r is null))
        {
            throw new ArgumentException("AllowedValuesOptions.Rules contains null.", nameof(options));
        }

        _rules = [.. options.Rules];
    }

    /// <summary>Gets the stage name: <c>AllowedValues</c>.</summary>
    public string Name => StageName;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var message in request.Messages)
        {
            if (message.Role != MessageRole.User)
            {
                continue;
            }

            var text = message.Text;
            foreach (var rule in _rules)
            {
                var reason = Check(rule, text);
                if (reason is not null)
                {
                    return ValueTask.FromResult(Block(rule, reason));
                }
            }
        }

        return ValueTask.FromResult(InputGuardResult.Allow(StageName));
    }

    private static string? Check(AllowedValuesRule rule, string text)
    {
        if (rule.JsonProperty is null)
        {
            return rule.Allows(text) ? null : "not_allowed";
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "not_json";
            }

            if (!document.RootElement.TryGetProperty(rule.JsonProperty, out var property))
            {
                return "missing";
            }

            var value = property.ValueKind switch
            {
                JsonValueKind.String => property.GetString(),
                JsonValueKind.Number => property.GetRawText(),
                _ => null,
            };
            return value is not null && rule.Allows(value) ? null : "not_allowed";
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // ArgumentException: text with a lone surrogate cannot be transcoded to UTF-8, so it is not JSON text.
            return "not_json";
        }
    }

    private static InputGuardResult Block(AllowedValuesRule rule, string reason)
    {
        var evidence = new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            ["field"] = rule.FieldName,
            ["allowed_count"] = rule.AllowedValues.Count.ToString(CultureInfo.InvariantCulture),
            ["reason"] = reason,
        };
        return InputGuardResult.FromVerdict(SafetyVerdict.Block(StageName, NotAllowedCode, NotAllowedMessage, evidence));
    }
}
