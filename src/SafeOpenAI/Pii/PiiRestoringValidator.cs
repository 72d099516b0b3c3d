using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Puts the values that <see cref="PiiRedactionGuard"/> replaced with placeholders back into the
/// model's answer, from the request's vault (<see cref="SafetyRequest.Items"/>), so the caller sees
/// <c>alice@example.com</c> where the model wrote <c>&lt;EMAIL_ADDRESS_1&gt;</c>. Registered by
/// <see cref="PiiRedactionBuilderExtensions.AddPiiRedaction"/> when redaction is reversible.
/// </summary>
/// <remarks>
/// Verdicts: Allow when there is nothing to restore; Rewrite with code <c>pii.restored</c> and
/// evidence <c>restored</c> (a count). Only placeholders of this request are restored; a
/// placeholder the model invents stays as written. Thread-safe.
/// <para>
/// Streaming: the scope is <see cref="OutputValidationScope.Window"/> (or
/// <see cref="OutputValidationScope.None"/> when the request has no vault), and only the window's
/// own text is rewritten. A placeholder split over a window boundary stays as the model wrote it:
/// its first half has already been released and cannot be replaced, and a whole placeholder is
/// safer for the reader than a value glued to half of one.
/// </para>
/// <para>
/// Order: register it before <see cref="PiiLeakValidator"/>, which then recognises the restored
/// values as the user's own (<c>.AddPiiRedaction().AddPiiLeakCheck()</c>).
/// </para>
/// </remarks>
public sealed class PiiRestoringValidator : IOutputValidator
{
    /// <summary>The verdict code of a restoration: <c>pii.restored</c>.</summary>
    public const string RestoredCode = "pii.restored";

    private const string StageName = "PiiRestore";

    /// <summary>Gets the stage name: <c>PiiRestore</c>.</summary>
    public string Name => StageName;

    /// <summary>
    /// Returns <see cref="OutputValidationScope.Window"/> when the request has a vault of placeholders
    /// (set by <see cref="PiiRedactionGuard"/>), otherwise <see cref="OutputValidationScope.None"/>.
    /// </summary>
    /// <param name="request">The request as the model received it.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PiiVault.Find(request) is { Count: > 0 } ? OutputValidationScope.Window : OutputValidationScope.None;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        var vault = PiiVault.Find(request);
        if (vault is null || vault.Count == 0)
        {
            return ValueTask.FromResult(OutputValidationResult.Allow(StageName));
        }

        MessagePart[]? parts = null;
        var restored = 0;
        for (var i = 0; i < response.Parts.Count; i++)
        {
            var part = response.Parts[i];
            if (part.Kind != MessagePartKind.Text || string.IsNullOrEmpty(part.Text))
            {
                continue;
            }

            var text = vault.Restore(part.Text, out var count);
            if (count > 0)
            {
                parts ??= [.. response.Parts];
                parts[i] = MessagePart.FromText(text);
                restored += count;
            }
        }

        if (parts is null)
        {
            return ValueTask.FromResult(OutputValidationResult.Allow(StageName));
        }

        var evidence = new Dictionary<string, string>(1, StringComparer.Ordinal) { ["restored"] = restored.ToString(CultureInfo.InvariantCulture) };
        var verdict = new SafetyVerdict(StageName, SafetyAction.Rewrite, RestoredCode, null, evidence);
        return ValueTask.FromResult(OutputValidationResult.Rewrite(verdict, response.WithParts(parts)));
    }
}
