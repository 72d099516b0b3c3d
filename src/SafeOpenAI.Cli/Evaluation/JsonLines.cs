using System.Text.Json;

namespace SafeOpenAI.Cli.Evaluation;

/// <summary>
/// Reads labelled JSON Lines for the <c>eval</c> commands. A row that is not JSON, or misses a
/// required field, stops the run with an <see cref="InvalidDataException"/> naming the file and
/// line, which the tool prints and answers with exit code 2.
/// </summary>
internal static class JsonLines
{
    public static IEnumerable<T> Read<T>(TextReader reader, string name, Func<JsonElement, T> parseRow)
    {
        foreach (var (lineNumber, line) in NonBlankLines(reader))
        {
            T row;
            try
            {
                using var document = JsonDocument.Parse(line);
                row = parseRow(document.RootElement);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or InvalidDataException)
            {
                throw new InvalidDataException($"{name}:{lineNumber}: {ex.Message}", ex);
            }

            yield return row;
        }
    }

    /// <summary>Enumerates the lines of <paramref name="reader"/> that are not blank, with their 1-based line numbers, for error messages.</summary>
    public static IEnumerable<(int Number, string Text)> NonBlankLines(TextReader reader)
    {
        var number = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (number, line);
            }
        }
    }

    /// <summary>Gets a field the row must have.</summary>
    /// <exception cref="InvalidDataException">The field is missing.</exception>
    public static JsonElement Required(JsonElement row, string field) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(field, out var value)
            ? value
            : throw new InvalidDataException($"the row has no \"{field}\" field");
}
