namespace SafeOpenAI.Cli.Check;

/// <summary>The configuration to check cannot be read: a missing file or a file that is not JSON. The message names the file.</summary>
internal sealed class CheckConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public CheckConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
