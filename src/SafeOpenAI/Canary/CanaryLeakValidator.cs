using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Blocks an answer that gives away the request's canary token (placed by
/// <see cref="CanaryTokenGuard"/>) or a long verbatim run of the application's system prompt: the
/// canary-word leak check of Rebuff (protectai/rebuff), extended to the cheap disguises a model
/// is talked into (spacing, case, reversal, hex and base64).
/// </summary>
/// <remarks>
/// <para>
/// The answer's text, its refusal and the arguments of its tool calls are checked (a tool call can
/// carry the prompt out as well). The token is found when it appears verbatim, in another case,
/// spaced out or punctuated (only letters and digits compared, full-width forms folded), reversed,
/// as the hexadecimal of its ASCII bytes, or base64-encoded (standard or URL-safe, at any offset of
/// the encoded text). A system-prompt leak is a run of at least
/// <see cref="CanaryTokenOptions.SystemPromptLeakCharacters"/> characters (60 by default) of the
/// application's own system and developer messages, compared with whitespace collapsed and case
/// ignored; the canary line and other instructions SafeOpenAI added are not part of it.
/// </para>
/// <para>
/// Verdicts: Allow; Block with code <c>canary.leaked</c> and evidence <c>variant</c> and
/// <c>location</c> (<c>content</c>, <c>refusal</c> or <c>tool_call</c>); or Block with code
/// <c>system_prompt.leaked</c> and evidence <c>location</c>, <c>threshold_characters</c> and
/// <c>matched_characters</c>. Neither the token nor any text is put in a verdict. Time is linear
/// in the answer and prompt lengths. Thread-safe.
/// </para>
/// <para>
/// Streaming: the scope is <see cref="OutputValidationScope.Window"/> (or
/// <see cref="OutputValidationScope.None"/> when the request has neither a canary nor a system
/// prompt of the threshold length), and each window is scanned with its
/// <see cref="OutputWindow.Context"/> in front, so a leak split over two windows is caught as
/// long as the overlap (<see cref="StreamingOptions.OverlapCharacters"/>, 60 by default) holds the
/// part before the boundary.
/// </para>
/// </remarks>
public sealed class CanaryLeakValidator : IOutputValidator
{
    /// <summary>The verdict code of an answer that contains the canary: <c>canary.leaked</c>.</summary>
    public const string CanaryLeakedCode = "canary.leaked";

    /// <summary>The verdict code of an answer that repeats the system prompt: <c>system_prompt.leaked</c>.</summary>
    public const string SystemPromptLeakedCode = "system_prompt.leaked";

    private const string StageName = "CanaryLeak";
    private const string LeakMessage = "This answer was withheld because it disclosed confidential instructions.";

    private readonly int? _leakCharacters;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The system-prompt leak threshold; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CanaryTokenOptions.SystemPromptLeakCharacters"/> is below 20.</exception>
    public CanaryLeakValidator(CanaryTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SystemPromptLeakCharacters is int characters)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(characters, 20, nameof(options) + "." + nameof(options.SystemPromptLeakCharacters));
        }

        _leakCharacters = options.SystemPromptLeakCharacters;
    }

    /// <summary>Gets the stage name: <c>CanaryLeak</c>.</summary>
    public string Name => StageName;

    /// <summary>
    /// Returns <see cref="OutputValidationScope.Window"/> when the request carries a canary token or
    /// a system prompt long enough to leak, otherwise <see cref="OutputValidationScope.None"/>.
    /// </summary>
    /// <param name="request">The request as the model received it.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hasToken = request.Items.TryGetValue(CanaryTokenGuard.ItemsKey, out var value) && value is string;
        var hasPrompt = _leakCharacters is int minimum && AddedInstruction.ApplicationSystemPrompt(request.Messages).Length >= minimum;
        return hasToken || hasPrompt ? OutputValidationScope.Window : OutputValidationScope.None;
    }

    /// <inheritdoc />
    /// <remarks>For a window of a streamed answer, the window's text is scanned together with its
    /// <see cref="OutputWindow.Context"/>, so a token or a system-prompt run split over the boundary is found.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();

        var token = request.Items.TryGetValue(CanaryTokenGuard.ItemsKey, out var value) ? value as string : null;
        string? normalizedPrompt = null;
        if (_leakCharacters is int minimum)
        {
            var prompt = AddedInstruction.ApplicationSystemPrompt(request.Messages);
            if (prompt.Length >= minimum)
            {
                normalizedPrompt = CanaryLeakScanner.NormalizeForLeak(prompt);
            }
        }

        var content = response.Window is { Context.Length: > 0 } window ? window.Context + response.Text : response.Text;
        if (Check(content, "content", token, normalizedPrompt) is { } contentLeak)
        {
            return ValueTask.FromResult(contentLeak);
        }

        if (!string.IsNullOrEmpty(response.Refusal) && Check(response.Refusal, "refusal", token, normalizedPrompt) is { } refusalLeak)
        {
            return ValueTask.FromResult(refusalLeak);
        }

        foreach (var call in response.ToolCalls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Check(call.Arguments, "tool_call", token, normalizedPrompt) is { } toolLeak)
            {
                return ValueTask.FromResult(toolLeak);
            }
        }

        return ValueTask.FromResult(OutputValidationResult.Allow(StageName));
    }

    private OutputValidationResult? Check(string text, string location, string? token, string? normalizedPrompt)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (token is not null && CanaryLeakScanner.FindToken(text, token) is { } variant)
        {
            return OutputValidationResult.FromVerdict(SafetyVerdict.Block(
                StageName,
                CanaryLeakedCode,
                LeakMessage,
                new Dictionary<string, string>(2, StringComparer.Ordinal) { ["variant"] = variant, ["location"] = location }));
        }

        if (normalizedPrompt is not null && _leakCharacters is int minimum)
        {
            var matched = CanaryLeakScanner.FindSharedRun(normalizedPrompt, CanaryLeakScanner.NormalizeForLeak(text), minimum);
            if (matched > 0)
            {
                return OutputValidationResult.FromVerdict(SafetyVerdict.Block(
                    StageName,
                    SystemPromptLeakedCode,
                    LeakMessage,
                    new Dictionary<string, string>(3, StringComparer.Ordinal)
                    {
                        ["location"] = location,
                        ["threshold_characters"] = minimum.ToString(CultureInfo.InvariantCulture),
                        ["matched_characters"] = matched.ToString(CultureInfo.InvariantCulture),
                    }));
            }
        }

        return null;
    }
}
