namespace SafeOpenAI.Testing;

/// <summary>The 13 category names of OpenAI's <c>omni-moderation</c> models, as the moderation API spells them.</summary>
public static class ModerationCategories
{
    /// <summary><c>harassment</c>.</summary>
    public const string Harassment = "harassment";

    /// <summary><c>harassment/threatening</c>.</summary>
    public const string HarassmentThreatening = "harassment/threatening";

    /// <summary><c>hate</c>.</summary>
    public const string Hate = "hate";

    /// <summary><c>hate/threatening</c>.</summary>
    public const string HateThreatening = "hate/threatening";

    /// <summary><c>illicit</c>.</summary>
    public const string Illicit = "illicit";

    /// <summary><c>illicit/violent</c>.</summary>
    public const string IllicitViolent = "illicit/violent";

    /// <summary><c>self-harm</c>.</summary>
    public const string SelfHarm = "self-harm";

    /// <summary><c>self-harm/intent</c>.</summary>
    public const string SelfHarmIntent = "self-harm/intent";

    /// <summary><c>self-harm/instructions</c>.</summary>
    public const string SelfHarmInstructions = "self-harm/instructions";

    /// <summary><c>sexual</c>.</summary>
    public const string Sexual = "sexual";

    /// <summary><c>sexual/minors</c>.</summary>
    public const string SexualMinors = "sexual/minors";

    /// <summary><c>violence</c>.</summary>
    public const string Violence = "violence";

    /// <summary><c>violence/graphic</c>.</summary>
    public const string ViolenceGraphic = "violence/graphic";

    /// <summary>Gets all 13 category names, in the API's order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Harassment, HarassmentThreatening, Hate, HateThreatening, Illicit, IllicitViolent,
        SelfHarm, SelfHarmIntent, SelfHarmInstructions, Sexual, SexualMinors, Violence, ViolenceGraphic,
    ];

    /// <summary>
    /// Gets the categories that omni-moderation also scores on images (the others apply to text
    /// only): <c>self-harm</c>, <c>self-harm/intent</c>, <c>self-harm/instructions</c>,
    /// <c>sexual</c>, <c>violence</c> and <c>violence/graphic</c>.
    /// </summary>
    public static IReadOnlyList<string> ImageCapable { get; } =
        [SelfHarm, SelfHarmIntent, SelfHarmInstructions, Sexual, Violence, ViolenceGraphic];

    internal static void Validate(string category, string paramName)
    {
        ArgumentNullException.ThrowIfNull(category, paramName);
        if (!All.Contains(category, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{category}' is not an omni-moderation category; use one of ModerationCategories.All.", paramName);
        }
    }
}
