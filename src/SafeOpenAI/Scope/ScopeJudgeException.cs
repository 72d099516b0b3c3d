namespace SafeOpenAI;

/// <summary>
/// Thrown by an <see cref="IScopeJudge"/> that could not give a usable answer: the model call failed
/// or timed out, the model refused, stopped at its token cap, or answered out of the strict format.
/// <see cref="ScopeCheck"/> turns it into a verdict under <see cref="ScopeCheckOptions.FailurePolicy"/>.
/// The message never contains the judged text.
/// </summary>
public sealed class ScopeJudgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScopeJudgeException()
        : this("The scope judge could not give a usable answer.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, without the judged text.</param>
    public ScopeJudgeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, without the judged text.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ScopeJudgeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an answer that was billed but could not be used.</summary>
    /// <param name="message">What went wrong, without the judged text.</param>
    /// <param name="modelUsage">The model and tokens the unusable answer billed.</param>
    public ScopeJudgeException(string message, ModelCallUsage? modelUsage)
        : base(message)
    {
        ModelUsage = modelUsage;
    }

    /// <summary>Gets the model and tokens an unusable answer billed, or <see langword="null"/> when nothing is known to have been billed.</summary>
    public ModelCallUsage? ModelUsage { get; }
}
