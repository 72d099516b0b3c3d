namespace SafeOpenAI;

/// <summary>
/// Thrown by <see cref="SafeChatClient.CompleteAsync{T}(SafeChatRequest, System.Text.Json.JsonSerializerOptions?, CancellationToken)"/>
/// when an answer passed the JSON schema check but could not be deserialised into the requested
/// type (for example a constructor that rejects a value, a converter that throws, or a
/// <c>null</c> root). The call itself completed and was billed: <see cref="Result"/> carries its
/// verdicts, usage, cost and audit id. The message names the type and the JSON path, never the
/// answer's values.
/// </summary>
public sealed class StructuredOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">The completed call.</param>
    /// <param name="targetType">The type the answer could not be deserialised into.</param>
    /// <param name="message">What went wrong, without the answer's values.</param>
    /// <param name="innerException">The deserialiser's exception, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> or <paramref name="targetType"/> is null.</exception>
    public StructuredOutputException(SafeChatResult result, Type targetType, string message, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(targetType);
        Result = result;
        TargetType = targetType;
    }

    /// <summary>Gets the completed call whose answer could not be deserialised.</summary>
    public SafeChatResult Result { get; }

    /// <summary>Gets the type the answer was to be deserialised into.</summary>
    public Type TargetType { get; }
}
