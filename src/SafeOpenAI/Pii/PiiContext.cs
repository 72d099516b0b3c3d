namespace SafeOpenAI;

/// <summary>Context-word support for recognisers, after Presidio's <c>LemmaContextAwareEnhancer</c> (similarity factor 0.35).</summary>
internal static class PiiContext
{
    /// <summary>What a context word adds to a score (Presidio's <c>context_similarity_factor</c>).</summary>
    public const double Boost = 0.35;

    private const int WindowBefore = 40;
    private const int WindowAfter = 12;

    public static bool HasWordBefore(string text, int start, string[] words)
    {
        var from = Math.Max(0, start - WindowBefore);
        var window = text.AsSpan(from, start - from);
        foreach (var word in words)
        {
            if (window.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasWordNear(string text, int start, int end, string[] words)
    {
        if (HasWordBefore(text, start, words))
        {
            return true;
        }

        var to = Math.Min(text.Length, end + WindowAfter);
        var window = text.AsSpan(end, to - end);
        foreach (var word in words)
        {
            if (window.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    public static bool BoundaryBefore(string text, int index) => index == 0 || !IsWordChar(text[index - 1]);

    public static bool BoundaryAfter(string text, int end) => end >= text.Length || !IsWordChar(text[end]);
}
