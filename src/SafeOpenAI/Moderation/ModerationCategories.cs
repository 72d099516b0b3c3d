using OpenAI.Moderations;

namespace SafeOpenAI;

/// <summary>
/// The categories of OpenAI's moderation API, by their API names (OpenAI moderation guide,
/// "Content classifications"), with how to read each from the SDK's <see cref="ModerationResult"/>.
/// </summary>
internal static class ModerationCategories
{
    /// <summary>Gets every category, in the order of OpenAI's documentation.</summary>
    public static ModerationCategoryReader[] All { get; } =
    [
        new("harassment", static r => r.Harassment),
        new("harassment/threatening", static r => r.HarassmentThreatening),
        new("hate", static r => r.Hate),
        new("hate/threatening", static r => r.HateThreatening),
        new("illicit", static r => r.Illicit),
        new("illicit/violent", static r => r.IllicitViolent),
        new("self-harm", static r => r.SelfHarm),
        new("self-harm/intent", static r => r.SelfHarmIntent),
        new("self-harm/instructions", static r => r.SelfHarmInstructions),
        new("sexual", static r => r.Sexual),
        new("sexual/minors", static r => r.SexualMinors),
        new("violence", static r => r.Violence),
        new("violence/graphic", static r => r.ViolenceGraphic),
    ];

    /// <summary>Turns configured thresholds into an array indexed like <see cref="All"/> (NaN where none is set).</summary>
    /// <exception cref="ArgumentException">A key is not a category name, or a value is outside 0 to 1.</exception>
    public static float[] ToThresholdArray(IDictionary<string, float> thresholds)
    {
        var result = new float[All.Length];
        Array.Fill(result, float.NaN);
        foreach (var (name, value) in thresholds)
        {
            var index = Array.FindIndex(All, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new ArgumentException($"'{name}' is not a moderation category. Use the API names, for example 'violence' or 'self-harm/intent'.", nameof(thresholds));
            }

            if (float.IsNaN(value) || value < 0f || value > 1f)
            {
                throw new ArgumentException($"The threshold of '{name}' must be between 0 and 1.", nameof(thresholds));
            }

            result[index] = value;
        }

        return result;
    }
}

/// <summary>One moderation category: its API name and its property on <see cref="ModerationResult"/>.</summary>
/// <param name="Name">The API name, for example <c>self-harm/intent</c>.</param>
/// <param name="Read">Reads the category; the result may be <see langword="null"/> when the response omitted it.</param>
internal sealed record ModerationCategoryReader(string Name, Func<ModerationResult, ModerationCategory?> Read);
