using Microsoft.ML.Tokenizers;

namespace SafeOpenAI;

/// <summary>
/// Counts tokens with OpenAI's tiktoken encodings (<c>o200k_base</c> and <c>cl100k_base</c>,
/// through Microsoft.ML.Tokenizers), and counts chat prompts the way OpenAI's cookbook
/// "How to count tokens with tiktoken" does.
/// </summary>
/// <remarks>
/// <para>
/// Model → encoding follows tiktoken's own table (<c>tiktoken/model.py</c>): <c>gpt-4</c>,
/// <c>gpt-4-*</c> (for example <c>gpt-4-turbo</c>), <c>gpt-3.5-turbo*</c>, <c>gpt-35-turbo*</c>
/// and the <c>text-embedding-3-*</c> / <c>text-embedding-ada-002</c> models use
/// <c>cl100k_base</c>; every other name, including <c>gpt-4o*</c>, <c>gpt-4.1*</c>,
/// <c>gpt-5*</c>, <c>o1*</c>, <c>o3*</c>, <c>o4-mini*</c> and names this class does not know,
/// uses <c>o200k_base</c>, the encoding of every current OpenAI chat model. A fine-tuned name
/// (<c>ft:&lt;base&gt;:...</c>) is mapped by its base model.
/// </para>
/// <para>
/// Chat overhead (cookbook): every message costs 3 tokens plus its role, and 3 more tokens prime
/// the reply. Text parts are counted exactly. Image parts cost <see cref="ImageTokenEstimate"/>
/// each, because the pixel size is not known here (see <see cref="DefaultImageTokenEstimate"/>).
/// Tool calls of assistant messages count their function name and arguments; a tool message
/// counts its call id. Other parts (audio, files) are not counted. The result is an estimate for
/// budgeting: the API's own count can differ by a few tokens per message (and more with tools).
/// </para>
/// <para>
/// Long runs without whitespace are counted in pieces of at most <see cref="MaxRunCharacters"/>
/// characters. Byte-pair encoding of one pre-tokenized piece takes time quadratic in its length
/// (200,000 identical letters took 13 seconds of CPU in one call), so an attacker could otherwise
/// spend seconds of server CPU per request with a few hundred kilobytes of text before any limit
/// rejected it. A cut can only keep two tokens from merging across it, so the count of such a
/// text is at most one token per cut above the exact one (an over-count, which budgets tolerate);
/// ordinary text has no run that long and is counted exactly.
/// </para>
/// <para>
/// Thread-safe. One tokenizer per encoding is loaded lazily on first use and shared by every
/// instance of this class; counting does not allocate beyond what the tokenizer itself does.
/// </para>
/// </remarks>
public sealed class TiktokenTokenCounter : ITokenCounter
{
    /// <summary>The name of the <c>o200k_base</c> encoding.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The name of the <c>cl100k_base</c> encoding.</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>
    /// The default cost of one image part, in tokens: 1,445, the most a single image can cost at
    /// <c>detail: high</c> under OpenAI's tile rule for GPT-4o-class models (85 base tokens plus
    /// 170 per 512-pixel tile; an image of about 2048×768 pixels scales to 8 tiles:
    /// 85 + 170 × 8 = 1,445). Source: OpenAI's "Images and vision" guide, "Calculating costs".
    /// </summary>
    /// <remarks>
    /// Models priced with another multiplier (for example <c>gpt-4o-mini</c>, whose images count
    /// 2,833 + 5,667 tokens per tile) or with the 32-pixel patch rule (<c>gpt-4.1-mini</c>,
    /// <c>gpt-4.1-nano</c>, <c>o4-mini</c>) can bill more: pass a larger estimate to the
    /// constructor for those.
    /// </remarks>
    public const int DefaultImageTokenEstimate = 1_445;

    /// <summary>
    /// The longest entry of the o200k_base and cl100k_base vocabularies, in UTF-8 bytes (128 in
    /// both, as shipped in Microsoft.ML.Tokenizers.Data 2.0.1): no token covers more bytes.
    /// </summary>
    internal const int LongestVocabularyEntryBytes = 128;

    // Cookbook "How to count tokens with tiktoken": tokens_per_message = 3, reply primed with 3.
    /// <summary>
    /// The longest run of non-whitespace characters (UTF-16 code units) tokenized in one piece; longer
    /// runs are cut into pieces of this length (see remarks). 512 characters cost about 0.2 ms.
    /// </summary>
    public const int MaxRunCharacters = 512;

    private const int TokensPerMessage = 3;
    private const int TokensPerReplyPriming = 3;

    private static readonly Lazy<EncodingData> s_o200k = new(() => EncodingData.Load(O200kBase), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<EncodingData> s_cl100k = new(() => EncodingData.Load(Cl100kBase), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates a counter.</summary>
    /// <param name="imageTokenEstimate">The tokens one image part counts as; default <see cref="DefaultImageTokenEstimate"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="imageTokenEstimate"/> is negative.</exception>
    public TiktokenTokenCounter(int imageTokenEstimate = DefaultImageTokenEstimate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageTokenEstimate);
        ImageTokenEstimate = imageTokenEstimate;
    }

    /// <summary>Gets a shared counter with the default image estimate. Thread-safe.</summary>
    public static TiktokenTokenCounter Shared { get; } = new();

    /// <summary>Gets the tokens one image part counts as in <see cref="CountPromptTokens"/>.</summary>
    public int ImageTokenEstimate { get; }

    /// <summary>Returns the tiktoken encoding a model uses (see the remarks of <see cref="TiktokenTokenCounter"/>).</summary>
    /// <param name="model">The model name, for example <c>gpt-4o-mini</c>.</param>
    /// <returns><see cref="O200kBase"/> or <see cref="Cl100kBase"/>; unknown names give <see cref="O200kBase"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public static string GetEncodingName(string model) => IsCl100k(model) ? Cl100kBase : O200kBase;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="model"/> is null.</exception>
    public int CountTokens(string text, string model)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoding = GetEncoding(model);
        return CountBounded(encoding.Tokenizer, text);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> or <paramref name="model"/> is null.</exception>
    public int CountPromptTokens(IReadOnlyList<SafetyMessage> messages, string model) =>
        CountPrompt(messages, model, exact: true);

    /// <inheritdoc />
    /// <remarks>
    /// Every token of a byte-level BPE encoding covers at least one UTF-8 byte, so a text has at
    /// most as many tokens as UTF-8 bytes; the bound replaces each tokenizer run of
    /// <see cref="CountPromptTokens"/> by a byte count (vectorised, about 100 times cheaper) and keeps
    /// the same per-message overhead and image estimate.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> or <paramref name="model"/> is null.</exception>
    public int CountPromptTokensUpperBound(IReadOnlyList<SafetyMessage> messages, string model) =>
        CountPrompt(messages, model, exact: false);

    private int CountPrompt(IReadOnlyList<SafetyMessage> messages, string model, bool exact)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var encoding = GetEncoding(model);
        var tokenizer = exact ? encoding.Tokenizer : null;

        // Long, then clamped: a pathological conversation must not wrap to a small number.
        long total = TokensPerReplyPriming;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            total += TokensPerMessage + encoding.RoleTokens(message.Role);

            var parts = message.Parts;
            for (var p = 0; p < parts.Count; p++)
            {
                var part = parts[p];
                switch (part.Kind)
                {
                    case MessagePartKind.Text when !string.IsNullOrEmpty(part.Text):
                        total += Count(tokenizer, part.Text);
                        break;
                    case MessagePartKind.Image:
                        total += ImageTokenEstimate;
                        break;
                    default:
                        // Audio, files and refusals are not counted (see remarks).
                        break;
                }
            }

            var toolCalls = message.ToolCalls;
            for (var t = 0; t < toolCalls.Count; t++)
            {
                var call = toolCalls[t];
                total += Count(tokenizer, call.FunctionName) + Count(tokenizer, call.Arguments);
            }

            total += Count(tokenizer, message.ToolCallId);
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>
    /// The most UTF-16 characters one token of the model's encoding can cover: the longest
    /// vocabulary entry or special token, in UTF-8 bytes (every character is at least one byte).
    /// Used by <see cref="InputLengthGuard"/> to bound a token count from a character count.
    /// </summary>
    internal static int MaxCharactersPerToken(string model) => GetEncoding(model).MaxTokenBytes;

    private static int Count(Tokenizer? tokenizer, string? text) =>
        string.IsNullOrEmpty(text) ? 0 : tokenizer is null ? System.Text.Encoding.UTF8.GetByteCount(text) : CountBounded(tokenizer, text);

    /// <summary>Counts <paramref name="text"/>, cutting runs of non-whitespace longer than <see cref="MaxRunCharacters"/>.</summary>
    private static int CountBounded(Tokenizer tokenizer, string text)
    {
        if (text.Length <= MaxRunCharacters)
        {
            return tokenizer.CountTokens(text);
        }

        var total = 0;
        var segmentStart = 0;
        var runStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                runStart = i + 1;
                continue;
            }

            if (i - runStart < MaxRunCharacters)
            {
                continue;
            }

            // i is the first character past a full-length run: cut before it, never inside a surrogate pair.
            var cut = char.IsLowSurrogate(text[i]) ? i - 1 : i;
            if (cut <= segmentStart)
            {
                continue;
            }

            total += tokenizer.CountTokens(text.AsSpan(segmentStart, cut - segmentStart));
            segmentStart = cut;
            runStart = cut;
        }

        return total + (segmentStart < text.Length ? tokenizer.CountTokens(text.AsSpan(segmentStart)) : 0);
    }

    private static EncodingData GetEncoding(string model) => IsCl100k(model) ? s_cl100k.Value : s_o200k.Value;

    private static bool IsCl100k(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ReadOnlySpan<char> name = model.AsSpan().Trim();

        // Fine-tuned models: "ft:gpt-4o-mini-2024-07-18:org::id" → "gpt-4o-mini-2024-07-18".
        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..];
            var colon = name.IndexOf(':');
            if (colon >= 0)
            {
                name = name[..colon];
            }
        }

        // tiktoken/model.py: the cl100k_base models. "gpt-4-" does not match "gpt-4o" or "gpt-4.1".
        return name.Equals("gpt-4", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-4-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-3.5", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-35-turbo", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("text-embedding-3-", StringComparison.OrdinalIgnoreCase)
            || name.Equals("text-embedding-ada-002", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One loaded encoding with what the counter precomputes for it. Immutable.</summary>
    private sealed class EncodingData
    {
        private readonly int[] _roleTokens;

        private EncodingData(TiktokenTokenizer tokenizer, int[] roleTokens, int maxTokenBytes)
        {
            Tokenizer = tokenizer;
            _roleTokens = roleTokens;
            MaxTokenBytes = maxTokenBytes;
        }

        public TiktokenTokenizer Tokenizer { get; }

        public int MaxTokenBytes { get; }

        public int RoleTokens(MessageRole role)
        {
            var index = (int)role;
            return (uint)index < (uint)_roleTokens.Length ? _roleTokens[index] : 1;
        }

        public static EncodingData Load(string encodingName)
        {
            var tokenizer = TiktokenTokenizer.CreateForEncoding(encodingName);

            // The cookbook counts the role string as content; these are its API spellings.
            string[] roles = ["system", "developer", "user", "assistant", "tool"];
            var roleTokens = new int[roles.Length];
            for (var i = 0; i < roles.Length; i++)
            {
                roleTokens[i] = tokenizer.CountTokens(roles[i]);
            }

            // The vocabulary itself is not public in Microsoft.ML.Tokenizers; its longest entry is
            // a documented constant, checked against the data by a unit test.
            var maxBytes = LongestVocabularyEntryBytes;
            foreach (var special in tokenizer.SpecialTokens ?? new Dictionary<string, int>())
            {
                maxBytes = Math.Max(maxBytes, System.Text.Encoding.UTF8.GetByteCount(special.Key));
            }

            return new EncodingData(tokenizer, roleTokens, maxBytes);
        }
    }
}
