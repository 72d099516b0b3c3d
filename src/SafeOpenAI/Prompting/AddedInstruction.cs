using System.Security.Cryptography;

namespace SafeOpenAI;

/// <summary>
/// Messages that SafeOpenAI's prompting stages add to a request (the spotlighting instruction, the
/// canary line, inlined sources). They carry a sentinel as their raw representation, so later
/// stages can tell them from the application's own system prompt; the OpenAI front door builds
/// them from their parts like any new message.
/// </summary>
internal static class AddedInstruction
{
    private static readonly object s_sentinel = new AddedMarker();

    /// <summary>Gets a value indicating whether a prompting stage added the message.</summary>
    public static bool IsAdded(SafetyMessage message) => ReferenceEquals(message.RawRepresentation, s_sentinel);

    /// <summary>Creates an added text message.</summary>
    public static SafetyMessage Create(MessageRole role, string text) =>
        new(role, [MessagePart.FromText(text)], rawRepresentation: s_sentinel);

    /// <summary>
    /// The role of the application's system prompt: <see cref="MessageRole.Developer"/> when the
    /// first instruction message is a developer message, otherwise <see cref="MessageRole.System"/>.
    /// </summary>
    public static MessageRole InstructionRole(IReadOnlyList<SafetyMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Role is MessageRole.System or MessageRole.Developer)
            {
                return message.Role;
            }
        }

        return MessageRole.System;
    }

    /// <summary>The index just after the leading run of system and developer messages (0 when there are none).</summary>
    public static int AfterLeadingInstructions(IReadOnlyList<SafetyMessage> messages)
    {
        var index = 0;
        while (index < messages.Count && messages[index].Role is MessageRole.System or MessageRole.Developer)
        {
            index++;
        }

        return index;
    }

    /// <summary>Joins the text of the application's own system and developer messages (not added ones) with line feeds.</summary>
    public static string ApplicationSystemPrompt(IReadOnlyList<SafetyMessage> messages)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var message in messages)
        {
            if (message.Role is MessageRole.System or MessageRole.Developer && !IsAdded(message))
            {
                if (builder.Length > 0)
                {
                    builder.Append('\n');
                }

                builder.Append(message.Text);
            }
        }

        return builder.ToString();
    }

    /// <summary>A cryptographically random lower-case hexadecimal string.</summary>
    public static string RandomHex(int length) => RandomNumberGenerator.GetHexString(length, lowercase: true);

    private sealed class AddedMarker
    {
        public override string ToString() => "SafeOpenAI added instruction";
    }
}
