using System.Collections.Frozen;

namespace SafeOpenAI.Testing;

/// <summary>
/// The offline moderation stand-in that answers moderation requests at
/// <see cref="LocalOpenAIEndpoint"/> when nothing is scripted. It is NOT a classifier: it looks
/// for a small fixed list of words and says so in every answer's <c>model</c> field
/// (<see cref="ModelName"/>). Use it to exercise the plumbing, never to judge content.
/// </summary>
/// <remarks>
/// <para>
/// The text is split into words (runs of letters), compared case-insensitively with
/// <see cref="Keywords"/>: a listed word sets its category to <see cref="FlaggedScore"/> (0.95)
/// and flags it. Every other category scores <see cref="BaselineScore"/> (0.001). The list:
/// <c>kill</c>, <c>kills</c>, <c>killed</c>, <c>killing</c>, <c>murder</c>, <c>murdered</c>,
/// <c>stab</c>, <c>stabbed</c>, <c>stabbing</c> → <c>violence</c>; <c>bomb</c>, <c>bombs</c>,
/// <c>explosive</c>, <c>explosives</c> → <c>illicit/violent</c>; <c>suicide</c> →
/// <c>self-harm</c>. Images are not looked at.
/// </para>
/// <para>Thread-safe: it keeps no state.</para>
/// </remarks>
public static class OfflineModerationStandIn
{
    /// <summary>The <c>model</c> field of every answer of the stand-in.</summary>
    public const string ModelName = "offline-moderation-standin (NOT a classifier: fixed keyword list)";

    /// <summary>The score of a category that a keyword hit: 0.95.</summary>
    public const double FlaggedScore = 0.95;

    /// <summary>The score of every category that no keyword hit: 0.001.</summary>
    public const double BaselineScore = 0.001;

    /// <summary>Gets the fixed keyword list: word (lower case) → the category it flags.</summary>
    public static IReadOnlyDictionary<string, string> Keywords { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["kill"] = ModerationCategories.Violence,
        ["kills"] = ModerationCategories.Violence,
        ["killed"] = ModerationCategories.Violence,
        ["killing"] = ModerationCategories.Violence,
        ["murder"] = ModerationCategories.Violence,
        ["murdered"] = ModerationCategories.Violence,
        ["stab"] = ModerationCategories.Violence,
        ["stabbed"] = ModerationCategories.Violence,
        ["stabbing"] = ModerationCategories.Violence,
        ["bomb"] = ModerationCategories.IllicitViolent,
        ["bombs"] = ModerationCategories.IllicitViolent,
        ["explosive"] = ModerationCategories.IllicitViolent,
        ["explosives"] = ModerationCategories.IllicitViolent,
        ["suicide"] = ModerationCategories.SelfHarm,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the categories the keyword list finds in a text.</summary>
    /// <param name="text">The text; <see langword="null"/> finds nothing.</param>
    /// <returns>The flagged category names, each once, in no particular order.</returns>
    public static IReadOnlySet<string> FindCategories(string? text)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        var span = text.AsSpan();
        var start = -1;
        for (var i = 0; i <= span.Length; i++)
        {
            var isLetter = i < span.Length && char.IsLetter(span[i]);
            if (isLetter && start < 0)
            {
                start = i;
            }
            else if (!isLetter && start >= 0)
            {
                var word = span[start..i];
                if (word.Length <= 10 && Keywords.TryGetValue(word.ToString(), out var category))
                {
                    found.Add(category);
                }

                start = -1;
            }
        }

        return found;
    }
}
