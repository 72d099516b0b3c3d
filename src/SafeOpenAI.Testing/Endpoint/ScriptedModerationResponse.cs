namespace SafeOpenAI.Testing;

/// <summary>
/// A response that <see cref="LocalOpenAIEndpoint"/> sends to one moderation request instead of
/// the offline moderation stand-in's answer: flagged or clean scores, an HTTP error, a delay or a
/// malformed body. Immutable and thread-safe; the same instance may be enqueued several times.
/// </summary>
/// <remarks>
/// Scores apply to every result of the request: one result per string for a string array, one
/// result for a single string or for an array of text and image parts. Categories not named get
/// the score 0.001 and are not flagged.
/// </remarks>
public sealed class ScriptedModerationResponse
{
    private ScriptedModerationResponse(ScriptedModerationKind kind)
    {
        Kind = kind;
    }

    internal ScriptedModerationKind Kind { get; }

    internal IReadOnlyDictionary<string, double> Scores { get; private set; } = new Dictionary<string, double>();

    internal IReadOnlySet<string> FlaggedCategories { get; private set; } = new HashSet<string>();

    internal int StatusCode { get; private set; } = 200;

    internal string? ErrorMessage { get; private set; }

    internal TimeSpan? RetryAfter { get; private set; }

    internal TimeSpan Delay { get; private set; }

    internal string? RawBody { get; private set; }

    internal string? ContentType { get; private set; }

    /// <summary>Creates a result flagged in one category.</summary>
    /// <param name="category">One of <see cref="ModerationCategories.All"/>, for example <c>violence</c>.</param>
    /// <param name="score">The category's score, 0 to 1.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentException"><paramref name="category"/> is not an omni-moderation category.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not 0 to 1.</exception>
    public static ScriptedModerationResponse Flagged(string category, double score = 0.97)
    {
        ModerationCategories.Validate(category, nameof(category));
        ValidateScore(score, nameof(score));
        return new ScriptedModerationResponse(ScriptedModerationKind.Scores)
        {
            Scores = new Dictionary<string, double>(StringComparer.Ordinal) { [category] = score },
            FlaggedCategories = new HashSet<string>(StringComparer.Ordinal) { category },
        };
    }

    /// <summary>Creates a result with the given scores, flagging the categories whose score reaches <paramref name="flagThreshold"/> (for grey-zone tests: high scores that are not flagged).</summary>
    /// <param name="categoryScores">Scores by category name, 0 to 1; categories not named score 0.001.</param>
    /// <param name="flagThreshold">The score from which a category is flagged; above 1 flags nothing.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="categoryScores"/> is null.</exception>
    /// <exception cref="ArgumentException">A category is not an omni-moderation category.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score is not 0 to 1.</exception>
    public static ScriptedModerationResponse Scored(IReadOnlyDictionary<string, double> categoryScores, double flagThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(categoryScores);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (category, score) in categoryScores)
        {
            ModerationCategories.Validate(category, nameof(categoryScores));
            ValidateScore(score, nameof(categoryScores));
            scores[category] = score;
            if (score >= flagThreshold)
            {
                flagged.Add(category);
            }
        }

        return new ScriptedModerationResponse(ScriptedModerationKind.Scores) { Scores = scores, FlaggedCategories = flagged };
    }

    /// <summary>Creates a result that flags nothing (every score 0.001).</summary>
    /// <returns>The response.</returns>
    public static ScriptedModerationResponse Clean() => new(ScriptedModerationKind.Scores);

    /// <summary>Creates a response that lets the offline moderation stand-in answer; useful with <see cref="Delayed"/>.</summary>
    /// <returns>The response.</returns>
    public static ScriptedModerationResponse Offline() => new(ScriptedModerationKind.Offline);

    /// <summary>
    /// Creates an HTTP error with OpenAI's error body. The OpenAI SDK retries 408, 429 and 5xx
    /// (three retries by default): enqueue it four times or configure the client's retry policy
    /// for the error to surface.
    /// </summary>
    /// <param name="statusCode">The HTTP status, 400 to 599.</param>
    /// <param name="retryAfter">When set, sent as <c>retry-after</c> and <c>retry-after-ms</c>.</param>
    /// <param name="message">The error message; a default that names the status when <see langword="null"/>.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 400 to 599, or <paramref name="retryAfter"/> is negative.</exception>
    public static ScriptedModerationResponse Error(int statusCode, TimeSpan? retryAfter = null, string? message = null)
    {
        ScriptedChatResponse.ValidateError(statusCode, retryAfter);
        return new ScriptedModerationResponse(ScriptedModerationKind.Error) { StatusCode = statusCode, RetryAfter = retryAfter, ErrorMessage = message };
    }

    /// <summary>Creates a 200 response whose body is not valid JSON, so that the client fails to parse it.</summary>
    /// <returns>The response.</returns>
    public static ScriptedModerationResponse MalformedJson() =>
        new(ScriptedModerationKind.Raw) { RawBody = "{\"id\":\"modr-malformed\",\"results\":[{\"flagged\":", ContentType = "application/json" };

    /// <summary>Creates a response with an arbitrary status, body and content type, sent as they are.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body text, sent as UTF-8.</param>
    /// <param name="contentType">The content type; <c>application/json</c> by default.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 100 to 599.</exception>
    public static ScriptedModerationResponse Raw(int statusCode, string body, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new ScriptedModerationResponse(ScriptedModerationKind.Raw) { StatusCode = statusCode, RawBody = body, ContentType = contentType };
    }

    /// <summary>Creates a response that waits before <paramref name="inner"/> is sent; the wait ends early when the client disconnects.</summary>
    /// <param name="delay">How long to wait.</param>
    /// <param name="inner">What to send after the wait.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static ScriptedModerationResponse Delayed(TimeSpan delay, ScriptedModerationResponse inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var copy = (ScriptedModerationResponse)inner.MemberwiseClone();
        copy.Delay += delay;
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => Delay > TimeSpan.Zero ? $"{Kind} after {Delay}" : Kind.ToString();

    private static void ValidateScore(double score, string paramName)
    {
        if (double.IsNaN(score) || score < 0 || score > 1)
        {
            throw new ArgumentOutOfRangeException(paramName, score, "A moderation score is between 0 and 1.");
        }
    }
}

/// <summary>What a <see cref="ScriptedModerationResponse"/> does.</summary>
internal enum ScriptedModerationKind
{
    Scores,
    Offline,
    Error,
    Raw,
}
