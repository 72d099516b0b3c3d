namespace SafeOpenAI;

/// <summary>
/// What <see cref="ScopeCheck"/> asks its <see cref="IScopeJudge"/>: a criterion, the content under
/// judgement, the bounded earlier turns as context, and <see cref="Prompt"/>, the chat messages
/// SafeOpenAI built from them (the ones the pipeline budgeted, and the ones
/// <see cref="OpenAIScopeJudge"/> sends). Immutable.
/// </summary>
public sealed class ScopeJudgeRequest
{
    /// <summary>Creates the request.</summary>
    /// <param name="stage">The name of the check asking (<c>OffTopic</c>, <c>NsfwText</c>, or a custom check's name).</param>
    /// <param name="criterion">What the judge flags, in a sentence or a few.</param>
    /// <param name="content">The text under judgement: the latest user message, or the model's answer.</param>
    /// <param name="context">The earlier turns sent as context, oldest first; possibly empty.</param>
    /// <param name="prompt">The chat messages built from the above.</param>
    /// <exception cref="ArgumentException"><paramref name="stage"/> or <paramref name="criterion"/> is blank, or <paramref name="prompt"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="content"/>, <paramref name="context"/> or <paramref name="prompt"/> is null.</exception>
    public ScopeJudgeRequest(string stage, string criterion, string content, IReadOnlyList<ScopeJudgeTurn> context, IReadOnlyList<SafetyMessage> prompt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterion);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
        {
            throw new ArgumentException("The judge's prompt has at least one message.", nameof(prompt));
        }

        Stage = stage;
        Criterion = criterion;
        Content = content;
        Context = context;
        Prompt = prompt;
    }

    /// <summary>Gets the name of the check asking.</summary>
    public string Stage { get; }

    /// <summary>Gets what the judge flags.</summary>
    public string Criterion { get; }

    /// <summary>Gets the text under judgement.</summary>
    public string Content { get; }

    /// <summary>Gets the earlier turns sent as context, oldest first.</summary>
    public IReadOnlyList<ScopeJudgeTurn> Context { get; }

    /// <summary>Gets the chat messages built from the criterion, context and content (a system message, then one user message holding them as JSON data).</summary>
    public IReadOnlyList<SafetyMessage> Prompt { get; }
}
