namespace SafeOpenAI;

/// <summary>The kind of one content part of a message.</summary>
public enum MessagePartKind
{
    /// <summary>Text, in <see cref="MessagePart.Text"/>.</summary>
    Text = 0,

    /// <summary>An image, by <see cref="MessagePart.ImageUri"/> or <see cref="MessagePart.ImageBytes"/>.</summary>
    Image = 1,

    /// <summary>Any other part (audio, file, refusal, ...), passed through unchanged in <see cref="MessagePart.RawRepresentation"/>.</summary>
    Other = 2,
}
