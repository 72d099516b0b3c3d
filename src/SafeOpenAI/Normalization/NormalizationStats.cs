namespace SafeOpenAI;

/// <summary>What <see cref="TextNormalizer"/> changed in one text: counts only, for obfuscation signals.</summary>
internal struct NormalizationStats
{
    /// <summary>Zero-width, bidi-control, tag and other invisible characters removed.</summary>
    public int InvisibleRemoved;

    /// <summary>Look-alike letters folded to ASCII (UTS #39).</summary>
    public int ConfusablesFolded;

    /// <summary>Characters that NFKC changed (full-width, mathematical alphanumerics, ligatures...).</summary>
    public int CompatibilityFolded;

    /// <summary>Leetspeak characters folded to letters.</summary>
    public int LeetFolded;

    /// <summary>Encoded spans (base64, hex, URL, rot13) decoded and appended for a second scan.</summary>
    public int DecodedSpans;

    /// <summary>Gets a value indicating whether anything points to deliberate obfuscation.</summary>
    public readonly bool AnyObfuscation => InvisibleRemoved > 0 || ConfusablesFolded > 0 || LeetFolded > 1 || DecodedSpans > 0;
}
