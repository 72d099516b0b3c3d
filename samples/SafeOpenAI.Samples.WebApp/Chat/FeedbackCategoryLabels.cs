namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>The words the pages use for each <see cref="FeedbackCategory"/>.</summary>
public static class FeedbackCategoryLabels
{
    /// <summary>Gets the categories in the order the report form lists them.</summary>
    public static IReadOnlyList<FeedbackCategory> All { get; } =
        [FeedbackCategory.Wrong, FeedbackCategory.Harmful, FeedbackCategory.Privacy, FeedbackCategory.OffTopic, FeedbackCategory.Other];

    /// <summary>Gets the label of a category.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The label, for example <c>Wrong or made up</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The category is not defined.</exception>
    public static string Of(FeedbackCategory category) => category switch
    {
        FeedbackCategory.Harmful => "Harmful or unsafe",
        FeedbackCategory.Wrong => "Wrong or made up",
        FeedbackCategory.Privacy => "Exposes personal data",
        FeedbackCategory.OffTopic => "Off topic",
        FeedbackCategory.Other => "Something else",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown feedback category."),
    };
}
