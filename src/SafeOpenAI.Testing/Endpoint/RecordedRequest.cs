using System.Text.Json;

namespace SafeOpenAI.Testing;

/// <summary>
/// One HTTP request that <see cref="LocalOpenAIEndpoint"/> received, as it arrived: method, path,
/// body and headers. The value of the <c>Authorization</c> header (and of <c>api-key</c>) is never
/// recorded; only whether it was present. Immutable and thread-safe.
/// </summary>
public sealed class RecordedRequest
{
    private readonly Lazy<JsonElement?> _json;

    /// <summary>Creates a recorded request.</summary>
    /// <param name="sequence">The 1-based arrival number of the request at its endpoint.</param>
    /// <param name="method">The HTTP method, for example <c>POST</c>.</param>
    /// <param name="path">The request path, for example <c>/v1/chat/completions</c>.</param>
    /// <param name="body">The request body as UTF-8 text; empty when there was none.</param>
    /// <param name="headers">The request headers, without credential values.</param>
    /// <param name="hasAuthorization">Whether an <c>Authorization</c> or <c>api-key</c> header was present.</param>
    /// <param name="timestamp">When the request arrived.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public RecordedRequest(long sequence, string method, string path, string body, IReadOnlyDictionary<string, string> headers, bool hasAuthorization, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);
        Sequence = sequence;
        Method = method;
        Path = path;
        Body = body;
        Headers = headers;
        HasAuthorization = hasAuthorization;
        Timestamp = timestamp;
        _json = new Lazy<JsonElement?>(ParseBody, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the 1-based arrival number of the request at its endpoint.</summary>
    public long Sequence { get; }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the request path, for example <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the request body as UTF-8 text; empty when there was none.</summary>
    public string Body { get; }

    /// <summary>
    /// Gets the request headers (names case-insensitive; several values joined with a comma).
    /// <c>Authorization</c> and <c>api-key</c> are left out: see <see cref="HasAuthorization"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets a value indicating whether an <c>Authorization</c> or <c>api-key</c> header was present (its value is never recorded).</summary>
    public bool HasAuthorization { get; }

    /// <summary>Gets when the request arrived.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets a value indicating whether the request went to <c>/chat/completions</c>.</summary>
    public bool IsChatCompletion => Path.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the request went to <c>/moderations</c>.</summary>
    public bool IsModeration => Path.EndsWith("/moderations", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the body parsed as JSON (parsed once, on first use), or <see langword="null"/> when the body is empty or not valid JSON.</summary>
    public JsonElement? Json => _json.Value;

    /// <summary>Gets the <c>model</c> field of a JSON body, or <see langword="null"/>.</summary>
    public string? Model => GetString("model");

    /// <summary>Gets the string value of a top-level JSON property of the body.</summary>
    /// <param name="propertyName">The property name, for example <c>safety_identifier</c>.</param>
    /// <returns>The string, or <see langword="null"/> when the body is not a JSON object or the property is missing or not a string.</returns>
    public string? GetString(string propertyName)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        return Json is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty(propertyName, out var value)
            && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Method} {Path} ({Body.Length} chars)";

    private JsonElement? ParseBody()
    {
        if (string.IsNullOrWhiteSpace(Body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
