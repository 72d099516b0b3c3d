using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Checks the function calls in a model's answer (<see cref="SafetyResponse.ToolCalls"/>) before
/// the caller can run them: the tool must be allowed (and, by default, offered in this request) and
/// its arguments must be JSON that follows the tool's parameters schema. An instruction injected
/// into a document, web page or tool result can then not make an agent call a tool it was not
/// given, or call a given tool with arguments outside its contract (OWASP LLM06, excessive agency).
/// </summary>
/// <remarks>
/// <para>
/// Scope: <see cref="OutputValidationScope.None"/> when the request offers no tools (OpenAI calls
/// only offered tools, so there is nothing to check), otherwise
/// <see cref="OutputValidationScope.WholeAnswer"/>: a streamed answer is held back until its tool
/// calls are complete and checked.
/// </para>
/// <para>
/// Every call is checked in order. A call to a tool that is not allowed (not on
/// <see cref="ToolCallGuardOptions.AllowedTools"/>, or, when that list is empty or
/// <see cref="ToolCallGuardOptions.RequireOfferedTool"/> is on, not in <see cref="SafetyRequest.Tools"/>)
/// blocks the answer at once with <see cref="NotAllowedCode"/>: it is what a successful injection
/// looks like, so the model is not asked again. Arguments longer than
/// <see cref="ToolCallGuardOptions.MaxArgumentCharacters"/>, not one JSON document, or not valid
/// against the tool's parameters schema give <see cref="ArgumentsInvalidCode"/> as a
/// <see cref="OutputValidationResult.Reask"/>: the model is told which call failed where, and the
/// Block verdict is used when the attempts (<see cref="SafeOpenAIOptions.MaxReasks"/>) are spent.
/// Blank arguments count as <c>{}</c>; a tool without a parameters schema only needs JSON.
/// Schema validation is the one behind <see cref="JsonSchemaValidator"/> (NJsonSchema, same keywords).
/// </para>
/// <para>
/// Evidence never holds an argument value: <c>reason</c> (<c>not_offered</c>,
/// <c>not_on_allow_list</c>, <c>too_long</c>, <c>invalid_json</c>, <c>schema_violation</c>),
/// <c>tool</c> (the function name when it is a valid OpenAI function name, letters, digits,
/// <c>_</c> and <c>-</c> up to 64 characters, otherwise <c>(invalid name)</c>), <c>call_index</c>,
/// and for invalid arguments <c>pointer</c> (the JSON pointer, RFC 6901 fragment form, of the first
/// failure, for example <c>#/city</c>), <c>error_count</c> and <c>errors</c> (at most
/// <see cref="JsonSchemaValidator.MaxReportedErrors"/> entries <c>pointer: keyword</c> joined with
/// <c>"; "</c>). An unexpected property is reported at the object that holds it.
/// </para>
/// <para>Thread-safe; parsed schemas are cached by their JSON text.</para>
/// </remarks>
public sealed class ToolCallValidator : IOutputValidator
{
    /// <summary>The verdict code of a call to a tool that is not allowed: <c>tool.not_allowed</c>.</summary>
    public const string NotAllowedCode = "tool.not_allowed";

    /// <summary>The verdict code of a call whose arguments are too long, not JSON or not valid against the tool's schema: <c>tool.arguments_invalid</c>.</summary>
    public const string ArgumentsInvalidCode = "tool.arguments_invalid";

    private const string StageName = "ToolCalls";
    private const string NotAllowedMessage = "The answer asked for a tool that is not allowed.";
    private const string ArgumentsInvalidMessage = "The answer asked for a tool call with invalid arguments.";
    private const int MaxFunctionNameLength = 64;

    private readonly HashSet<string> _allowedTools;
    private readonly bool _requireOfferedTool;
    private readonly bool _validateArguments;
    private readonly int _maxArgumentCharacters;
    private readonly JsonSchemaChecker _checker = new();

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The options; read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ToolCallGuardOptions.MaxArgumentCharacters"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><see cref="ToolCallGuardOptions.AllowedTools"/> holds a null or blank name.</exception>
    public ToolCallValidator(ToolCallGuardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxArgumentCharacters, 1, "options.MaxArgumentCharacters");
        if (options.AllowedTools.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("options.AllowedTools holds a blank tool name.", "options.AllowedTools");
        }

        _allowedTools = new HashSet<string>(options.AllowedTools, StringComparer.Ordinal);
        _requireOfferedTool = options.RequireOfferedTool;
        _validateArguments = options.ValidateArguments;
        _maxArgumentCharacters = options.MaxArgumentCharacters;
    }

    /// <summary>Gets the stage name: <c>ToolCalls</c>.</summary>
    public string Name => StageName;

    /// <summary>Returns <see cref="OutputValidationScope.None"/> when the request offers no tools, otherwise <see cref="OutputValidationScope.WholeAnswer"/>.</summary>
    /// <param name="request">The request as the model received it.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Tools.Count == 0 ? OutputValidationScope.None : OutputValidationScope.WholeAnswer;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="ArgumentException">An offered tool's parameters schema is not a valid JSON Schema document.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        var calls = response.ToolCalls;
        if (calls.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var offered = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        foreach (var tool in request.Tools)
        {
            offered.TryAdd(tool.Name, tool);
        }

        for (var i = 0; i < calls.Count; i++)
        {
            if (NotAllowedReason(calls[i].FunctionName, offered) is { } reason)
            {
                return OutputValidationResult.FromVerdict(SafetyVerdict.Block(StageName, NotAllowedCode, NotAllowedMessage, new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["reason"] = reason,
                    ["tool"] = SafeName(calls[i].FunctionName),
                    ["call_index"] = i.ToString(CultureInfo.InvariantCulture),
                }));
            }
        }

        SafetyVerdict? first = null;
        var feedback = new StringBuilder();
        for (var i = 0; i < calls.Count; i++)
        {
            var failure = await CheckArgumentsAsync(calls[i], offered.GetValueOrDefault(calls[i].FunctionName), cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                continue;
            }

            var (reason, pointer, errors, errorCount, details) = failure.Value;
            first ??= SafetyVerdict.Block(StageName, ArgumentsInvalidCode, ArgumentsInvalidMessage, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["reason"] = reason,
                ["tool"] = SafeName(calls[i].FunctionName),
                ["call_index"] = i.ToString(CultureInfo.InvariantCulture),
                ["pointer"] = pointer,
                ["error_count"] = errorCount.ToString(CultureInfo.InvariantCulture),
                ["errors"] = string.Join("; ", errors),
            });
            feedback.Append(CultureInfo.InvariantCulture, $"The call to the tool '{SafeName(calls[i].FunctionName)}' had invalid arguments ({reason}):");
            foreach (var detail in details)
            {
                feedback.Append("\n- ").Append(detail);
            }

            feedback.Append('\n');
        }

        if (first is null)
        {
            return OutputValidationResult.Allow(StageName);
        }

        feedback.Append("Call the tools again with arguments that are one JSON object following each tool's parameters schema.");
        return OutputValidationResult.Reask(first, feedback.ToString());
    }

    private string? NotAllowedReason(string name, Dictionary<string, ToolDefinition> offered)
    {
        if (_allowedTools.Count > 0 && !_allowedTools.Contains(name))
        {
            return "not_on_allow_list";
        }

        // An empty allow-list means the offered tools, so an unoffered call is refused either way.
        return (_allowedTools.Count == 0 || _requireOfferedTool) && !offered.ContainsKey(name) ? "not_offered" : null;
    }

    private async ValueTask<(string Reason, string Pointer, IReadOnlyList<string> Errors, int ErrorCount, IReadOnlyList<string> Details)?> CheckArgumentsAsync(ToolCallInfo call, ToolDefinition? tool, CancellationToken cancellationToken)
    {
        var arguments = string.IsNullOrWhiteSpace(call.Arguments) ? "{}" : call.Arguments;
        if (arguments.Length > _maxArgumentCharacters)
        {
            var error = string.Create(CultureInfo.InvariantCulture, $"#: too_long ({arguments.Length} characters, at most {_maxArgumentCharacters})");
            return ("too_long", "#", [error], 1, [error]);
        }

        if (!_validateArguments)
        {
            return null;
        }

        if (!JsonSchemaChecker.TryParse(arguments, out var syntaxError))
        {
            var error = "#: invalid_json" + syntaxError;
            return ("invalid_json", "#", [error], 1, [error]);
        }

        if (tool?.ParametersSchema is not { } schema)
        {
            return null;
        }

        var errors = await _checker.ValidateAsync(schema, arguments, cancellationToken).ConfigureAwait(false);
        if (errors.Count == 0)
        {
            return null;
        }

        var reported = errors.Take(JsonSchemaValidator.MaxReportedErrors).ToList();
        var evidence = reported.Select(e => e.EvidencePointer + ": " + e.Keyword).Distinct(StringComparer.Ordinal).ToList();
        var details = reported.Select(e => $"{e.FeedbackPath}: {e.Keyword} ({e.Detail})").ToList();
        if (errors.Count > reported.Count)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"… and {errors.Count - reported.Count} more"));
        }

        return ("schema_violation", reported[0].EvidencePointer, evidence, errors.Count, details);
    }

    /// <summary>The name for evidence and feedback: the model writes it, so only a well-formed function name is repeated.</summary>
    private static string SafeName(string name)
    {
        if (name.Length is 0 or > MaxFunctionNameLength)
        {
            return "(invalid name)";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return "(invalid name)";
            }
        }

        return name;
    }
}
