namespace SafeOpenAI;

/// <summary>
/// One content part of a message in the neutral view that every stage reads: text, an image, or
/// another part the stages pass through untouched. Immutable and thread-safe.
/// </summary>
public sealed class MessagePart
{
    private MessagePart(MessagePartKind kind, string? text, Uri? imageUri, BinaryData? imageBytes, string? imageMediaType, object? rawRepresentation)
    {
        Kind = kind;
        Text = text;
        ImageUri = imageUri;
        ImageBytes = imageBytes;
        ImageMediaType = imageMediaType;
        RawRepresentation = rawRepresentation;
    }

    /// <summary>Gets the kind of the part.</summary>
    public MessagePartKind Kind { get; }

    /// <summary>Gets the text of a <see cref="MessagePartKind.Text"/> part; otherwise <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>Gets the address (https or data URI) of an image part given by URI; otherwise <see langword="null"/>.</summary>
    public Uri? ImageUri { get; }

    /// <summary>Gets the bytes of an image part given inline; otherwise <see langword="null"/>.</summary>
    public BinaryData? ImageBytes { get; }

    /// <summary>Gets the media type (for example <c>image/png</c>) of an inline image; otherwise <see langword="null"/>.</summary>
    public string? ImageMediaType { get; }

    /// <summary>Gets the front door's own object for this part (for example an OpenAI <c>ChatMessageContentPart</c>), or <see langword="null"/>.</summary>
    public object? RawRepresentation { get; }

    /// <summary>Creates a text part.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static MessagePart FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new MessagePart(MessagePartKind.Text, text, null, null, null, null);
    }

    /// <summary>Creates an image part given by address.</summary>
    /// <param name="imageUri">An https or data URI.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageUri"/> is null.</exception>
    public static MessagePart FromImage(Uri imageUri)
    {
        ArgumentNullException.ThrowIfNull(imageUri);
        return new MessagePart(MessagePartKind.Image, null, imageUri, null, null, null);
    }

    /// <summary>Creates an image part given inline.</summary>
    /// <param name="imageBytes">The encoded image.</param>
    /// <param name="mediaType">The media type, for example <c>image/png</c>.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageBytes"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is null or white space.</exception>
    public static MessagePart FromImage(BinaryData imageBytes, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(imageBytes);
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        return new MessagePart(MessagePartKind.Image, null, null, imageBytes, mediaType, null);
    }

    /// <summary>Creates a part that stages do not inspect and the front door passes through unchanged.</summary>
    /// <param name="rawRepresentation">The front door's own object for the part.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rawRepresentation"/> is null.</exception>
    public static MessagePart FromOther(object rawRepresentation)
    {
        ArgumentNullException.ThrowIfNull(rawRepresentation);
        return new MessagePart(MessagePartKind.Other, null, null, null, null, rawRepresentation);
    }

    /// <summary>Returns a copy of this part that carries the front door's own object for it, so an unchanged part is sent as it came.</summary>
    /// <param name="rawRepresentation">The front door's own object, or <see langword="null"/>.</param>
    /// <returns>The copy.</returns>
    public MessagePart WithRawRepresentation(object? rawRepresentation) =>
        new(Kind, Text, ImageUri, ImageBytes, ImageMediaType, rawRepresentation);

    /// <summary>Returns an image as a data URI when it is inline, or its address otherwise.</summary>
    /// <returns>The URI, or <see langword="null"/> for parts that are not images.</returns>
    public Uri? GetImageUriOrDataUri()
    {
        if (ImageUri is not null)
        {
            return ImageUri;
        }

        return ImageBytes is null
            ? null
            : new Uri($"data:{ImageMediaType};base64,{Convert.ToBase64String(ImageBytes.ToMemory().Span)}");
    }
}
