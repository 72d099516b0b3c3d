namespace SafeOpenAI;

/// <summary>
/// The checks and the conversion every front door applies to the caller's messages, whatever their
/// SDK type: at least one message, none null, each converted to the neutral <see cref="SafetyMessage"/>.
/// </summary>
internal static class ChatMessageList
{
    /// <summary>Materializes <paramref name="messages"/> once and checks it.</summary>
    /// <typeparam name="TMessage">The front door's message type.</typeparam>
    /// <param name="messages">The caller's messages.</param>
    /// <param name="parameterName">The caller's parameter name, for the exceptions.</param>
    /// <returns>The messages as a list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">There is no message, or one is null (its index is named).</exception>
    public static IReadOnlyList<TMessage> Materialize<TMessage>(IEnumerable<TMessage> messages, string parameterName)
        where TMessage : class
    {
        ArgumentNullException.ThrowIfNull(messages, parameterName);
        var list = messages as IReadOnlyList<TMessage> ?? messages.ToArray();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one chat message is required.", parameterName);
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"Chat message [{i}] is null.", parameterName);
            }
        }

        return list;
    }

    /// <summary>Converts every message with <paramref name="convert"/>, which is given the message and its index.</summary>
    /// <typeparam name="TMessage">The front door's message type.</typeparam>
    /// <param name="messages">The checked messages.</param>
    /// <param name="convert">The front door's conversion of one message.</param>
    /// <returns>The neutral messages, in order.</returns>
    public static SafetyMessage[] ToSafetyMessages<TMessage>(IReadOnlyList<TMessage> messages, Func<TMessage, int, SafetyMessage> convert)
    {
        var result = new SafetyMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            result[i] = convert(messages[i], i);
        }

        return result;
    }
}
