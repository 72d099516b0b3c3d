using System.Globalization;
using System.Text.Json;

namespace SafeOpenAI;

/// <summary>
/// A strict view of one JSON object of a Guardrails configuration: every key is declared up front, so
/// an unknown key (a typo such as <c>treshold</c>) is an error naming its path rather than a setting
/// silently ignored. Every error is a <see cref="GuardrailsConfigurationException"/> naming the path.
/// </summary>
internal sealed class GuardrailsJsonObject
{
    private readonly JsonElement _element;
    private readonly string[] _knownKeys;

    private GuardrailsJsonObject(JsonElement element, string path, string[] knownKeys)
    {
        _element = element;
        Path = path;
        _knownKeys = knownKeys;
    }

    public string Path { get; }

    /// <summary>Reads <paramref name="element"/> as an object whose keys are all among <paramref name="knownKeys"/>.</summary>
    public static GuardrailsJsonObject Read(JsonElement element, string path, string what, params string[] knownKeys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected {what} (a JSON object), found {Describe(element)}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // JSON readers disagree on which of two equal keys wins, so the file would not mean one thing.
            if (!seen.Add(property.Name))
            {
                throw Error(Child(path, property.Name), $"duplicate key in {what}.");
            }

            if (Array.IndexOf(knownKeys, property.Name) < 0)
            {
                var known = knownKeys.Length == 0 ? "it takes no keys" : "known keys: " + string.Join(", ", knownKeys);
                throw Error(Child(path, property.Name), $"unknown key of {what}; {known}.");
            }
        }

        return new GuardrailsJsonObject(element, path, knownKeys);
    }

    public static GuardrailsConfigurationException Error(string path, string message, Exception? inner = null) => new(path, message, inner);

    /// <summary>The message of a stage's own option check, without the " (Parameter '...')" suffix that names a C# parameter rather than the JSON key.</summary>
    public static string MessageOf(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : exception.Message;

    public static string Child(string path, string key) =>
        key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && key.Length > 0 ? $"{path}.{key}" : $"{path}['{key.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Item(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public bool Has(string key) => _element.TryGetProperty(key, out _);

    public string PathOf(string key) => Child(Path, key);

    public JsonElement? Get(string key)
    {
        System.Diagnostics.Debug.Assert(Array.IndexOf(_knownKeys, key) >= 0, "keys are declared");
        return _element.TryGetProperty(key, out var value) ? value : null;
    }

    public JsonElement Required(string key, string what) =>
        Get(key) ?? throw Error(PathOf(key), $"required key is missing: {what}.");

    public string RequiredString(string key, string what)
    {
        var value = Required(key, what);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(PathOf(key), $"expected {what} (a string), found {Describe(value)}.");
        }

        var text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? throw Error(PathOf(key), $"expected {what}, found an empty string.") : text;
    }

    public bool OptionalBool(string key, bool defaultValue)
    {
        if (Get(key) is not { } value)
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(PathOf(key), $"expected true or false, found {Describe(value)}."),
        };
    }

    public double RequiredFraction(string key, string what)
    {
        var value = Required(key, what);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw Error(PathOf(key), $"expected {what} (a number from 0 to 1), found {Describe(value)}.");
        }

        return number is >= 0 and <= 1
            ? number
            : throw Error(PathOf(key), string.Create(CultureInfo.InvariantCulture, $"expected {what} from 0 to 1, found {number}."));
    }

    public int OptionalInt(string key, int defaultValue, int min, int max, string what)
    {
        if (Get(key) is not { } value)
        {
            return defaultValue;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Error(PathOf(key), $"expected {what} (a whole number from {min} to {max}), found {Describe(value)}.");
        }

        return number >= min && number <= max
            ? number
            : throw Error(PathOf(key), string.Create(CultureInfo.InvariantCulture, $"expected {what} from {min} to {max}, found {number}."));
    }

    public IReadOnlyList<string>? OptionalStrings(string key, string what, bool allowEmpty)
    {
        if (Get(key) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(PathOf(key), $"expected {what} (an array of strings), found {Describe(value)}.");
        }

        var result = new List<string>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw Error(Item(PathOf(key), index), $"expected a non-empty string, found {(item.ValueKind == JsonValueKind.String ? "an empty string" : Describe(item))}.");
            }

            result.Add(item.GetString()!);
            index++;
        }

        return result.Count == 0 && !allowEmpty ? throw Error(PathOf(key), $"expected at least one entry: {what}.") : result;
    }

    public IReadOnlyList<string> RequiredStrings(string key, string what)
    {
        _ = Required(key, what);
        return OptionalStrings(key, what, allowEmpty: false)!;
    }
}
