using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Blocks a request whose user-authored text is too long, in characters or in tokens
/// (<see cref="InputLengthGuardOptions"/>). Capping input length is a defence OpenAI's safety
/// best practices name ("limit the amount of text a user can input") against prompt injection
/// and denial of wallet.
/// </summary>
/// <remarks>
/// <para>
/// Only the text parts of <see cref="MessageRole.User"/> messages are measured
/// (<see cref="SafetyRequest.UserAuthoredParts"/>): system, developer, assistant and tool text,
/// and images, are the application's responsibility and are not counted. Characters are UTF-16
/// code units; tokens are counted with the tokenizer of <see cref="SafetyRequest.Model"/>, part by
/// part, and summed.
/// </para>
/// <para>
/// The character limit is checked first. With <see cref="TiktokenTokenCounter"/> the token limit
/// avoids tokenizing when characters alone decide it, using two bounds that hold for byte-level
/// BPE encodings such as <c>o200k_base</c> and <c>cl100k_base</c>: every token covers at least
/// one UTF-8 byte and a UTF-16 code unit encodes to at most three bytes, so
/// tokens ≤ 3 × characters (a short text is allowed without tokenizing); and a token covers at
/// most L bytes (L = the longest vocabulary entry, 128 for both encodings) while every character
/// is at least one byte, so tokens ≥ characters ÷ L (a text longer than L × the token limit is
/// blocked without tokenizing, and its evidence reports that lower bound with
/// <c>measurement=lower_bound</c>). This caps the tokenizer's work per request at about
/// L × <see cref="InputLengthGuardOptions.MaxTokens"/> characters. Other
/// <see cref="ITokenCounter"/> implementations are simply asked to count.
/// </para>
/// <para>
/// Verdicts: Allow, or Block with code <c>input.too_long</c> and evidence <c>unit</c>
/// (<c>characters</c> or <c>tokens</c>), <c>limit_characters</c>/<c>measured_characters</c> or
/// <c>limit_tokens</c>/<c>measured_tokens</c>/<c>measurement</c>. No user text is recorded.
/// Thread-safe; the options are read once, in the constructor.
/// </para>
/// </remarks>
public sealed class InputLengthGuard : IInputGuard
{
    /// <summary>The verdict code of a too-long input: <c>input.too_long</c>.</summary>
    public const string TooLongCode = "input.too_long";

    private const string StageName = "InputLength";
    private const string TooLongMessage = "Your message is too long.";

    // UTF-8 bytes per UTF-16 code unit, at most (BMP characters up to 3; a surrogate pair is 4 bytes for 2 units; a lone surrogate becomes U+FFFD, 3 bytes).
    private const int MaxBytesPerCharacter = 3;

    private readonly int? _maxCharacters;
    private readonly int? _maxTokens;
    private readonly ITokenCounter _tokenCounter;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The limits; read once.</param>
    /// <param name="tokenCounter">Counts tokens for the request's model.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public InputLengthGuard(InputLengthGuardOptions options, ITokenCounter tokenCounter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenCounter);
        if (options.MaxCharacters is int chars)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chars, nameof(options) + "." + nameof(options.MaxCharacters));
        }

        if (options.MaxTokens is int tokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens, nameof(options) + "." + nameof(options.MaxTokens));
        }

        _maxCharacters = options.MaxCharacters;
        _maxTokens = options.MaxTokens;
        _tokenCounter = tokenCounter;
    }

    /// <summary>Gets the stage name: <c>InputLength</c>.</summary>
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

    private static InputGuardResult Block(string unit, string limitKey, long limit, string measuredKey, long measured, string? measurement = null)
    {
        var evidence = new Dictionary<string, string>(measurement is null ? 3 : 4, StringComparer.Ordinal)
        {
            ["unit"] = unit,
            [limitKey] = limit.ToString(CultureInfo.InvariantCulture),
            [measuredKey] = measured.ToString(CultureInfo.InvariantCulture),
        };
        if (measurement is not null)
        {
            evidence["measurement"] = measurement;
        }

        return InputGuardResult.FromVerdict(SafetyVerdict.Block(StageName, TooLongCode, TooLongMessage, evidence));
    }

    private InputGuardResult Inspect(SafetyRequest request, CancellationToken cancellationToken)
    {
        if (_maxCharacters is null && _maxTokens is null)
        {
            return InputGuardResult.Allow(StageName);
        }

        long characters = 0;
        foreach (var part in request.UserAuthoredParts())
        {
            if (part.Kind == MessagePartKind.Text && part.Text is { } text)
            {
                characters += text.Length;
            }
        }

        if (_maxCharacters is int maxCharacters && characters > maxCharacters)
        {
            return Block("characters", "limit_characters", maxCharacters, "measured_characters", characters);
        }

        if (_maxTokens is not int maxTokens)
        {
            return InputGuardResult.Allow(StageName);
        }

        if (_tokenCounter is TiktokenTokenCounter)
        {
            if (characters * MaxBytesPerCharacter <= maxTokens)
            {
                return InputGuardResult.Allow(StageName);
            }

            long maxCharactersPerToken = TiktokenTokenCounter.MaxCharactersPerToken(request.Model);
            if (characters > maxTokens * maxCharactersPerToken)
            {
                var atLeast = (characters + maxCharactersPerToken - 1) / maxCharactersPerToken;
                return Block("tokens", "limit_tokens", maxTokens, "measured_tokens", atLeast, "lower_bound");
            }
        }

        long tokens = 0;
        foreach (var part in request.UserAuthoredParts())
        {
            if (part.Kind == MessagePartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                cancellationToken.ThrowIfCancellationRequested();
                tokens += _tokenCounter.CountTokens(part.Text, request.Model);
            }
        }

        return tokens > maxTokens
            ? Block("tokens", "limit_tokens", maxTokens, "measured_tokens", tokens, "exact")
            : InputGuardResult.Allow(StageName);
    }
}
