namespace SafeOpenAI;

/// <summary>Thrown when no review or feedback report has the given id. The message names the id.</summary>
public sealed class ReviewNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="id">The id that was not found.</param>
    public ReviewNotFoundException(string id)
        : base($"There is no review or feedback report with id '{id}'.")
    {
        Id = id;
    }

    /// <summary>Gets the id that was not found.</summary>
    public string Id { get; }
}
