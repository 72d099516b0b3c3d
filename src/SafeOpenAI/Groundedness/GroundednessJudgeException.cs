namespace SafeOpenAI;

/// <summary>
/// Thrown by an <see cref="IGroundednessJudge"/> that could not give a complete, well-formed
/// answer: the model refused, stopped at its token cap, returned JSON that does not match the
/// schema, left a claim out, or cited a source id it was not given. The message names the fault,
/// never the claim or source text.
/// </summary>
public sealed class GroundednessJudgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GroundednessJudgeException()
        : base("The groundedness judge failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, without claim or source text.</param>
    public GroundednessJudgeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong, without claim or source text.</param>
    /// <param name="innerException">The cause.</param>
    public GroundednessJudgeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
