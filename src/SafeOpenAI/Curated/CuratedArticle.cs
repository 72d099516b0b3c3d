namespace SafeOpenAI;

/// <summary>
/// One article of a curated knowledge base: validated material that may be returned to a user
/// as it stands (a help-centre page, a policy answer). Immutable and thread-safe.
/// </summary>
public sealed class CuratedArticle
{
    /// <summary>Creates an article.</summary>
    /// <param name="id">A stable id, unique in its knowledge base; recorded in verdicts (so it must not be personal data).</param>
    /// <param name="title">The title; its terms weigh twice in matching.</param>
    /// <param name="body">The text returned as the answer.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/>, <paramref name="title"/> or <paramref name="body"/> is null or white space.</exception>
    public CuratedArticle(string id, string title, string body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        Id = id;
        Title = title;
        Body = body;
    }

    /// <summary>Gets the stable id.</summary>
    public string Id { get; }

    /// <summary>Gets the title.</summary>
    public string Title { get; }

    /// <summary>Gets the body: the text returned as the answer.</summary>
    public string Body { get; }

    /// <summary>Returns the id and title.</summary>
    /// <returns>For example <c>reset-password: Reset your password</c>.</returns>
    public override string ToString() => Id + ": " + Title;
}
