using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SafeOpenAI.Cli.Evaluation;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Reads a red-team suite from JSON Lines: one JSON object per line, blank lines skipped.
/// </summary>
/// <remarks>
/// <para>Fields of a line:</para>
/// <list type="bullet">
/// <item><c>id</c> (string, required): unique in the file, letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</item>
/// <item><c>category</c> (string, required): snake_case, for example <c>direct_injection</c>; <c>benign</c>
/// makes the line a control prompt rather than an attack.</item>
/// <item><c>turns</c> (array of texts, at least one) or <c>text</c> (one text): the user messages.
/// A control prompt has exactly one.</item>
/// <item><c>documents</c> (array of texts, optional): untrusted documents sent as sources or tool results.</item>
/// <item><c>signal</c> (string, optional, attacks only): <c>canary_leaked</c>, <c>system_prompt_leaked</c>,
/// <c>scope_left</c>, <c>pii_returned</c>, <c>schema_broken</c>, <c>judged_harmful</c> (the default) or
/// <c>tokens_spent</c>.</item>
/// <item><c>language</c> (string, optional): BCP-47 tag (RFC 5646) such as <c>de</c> or <c>zh-Hans</c>, default <c>en</c>.</item>
/// <item><c>notes</c> (string, optional): why the line is an attack.</item>
/// </list>
/// <para>A text is a JSON string, or an object that is expanded at load time so that oversized inputs need not
/// be stored: <c>{"prefix": "...", "repeat": {"text": "...", "times": 20000}, "suffix": "..."}</c>
/// (<c>prefix</c> and <c>suffix</c> optional). <c>times</c> is 1 to 1,000,000 and the expanded text at most
/// <see cref="MaxExpandedCharacters"/> characters.</para>
/// <para>Every problem throws <see cref="AttackSuiteFormatException"/> naming file, line and field; nothing is skipped.</para>
/// </remarks>
internal static partial class AttackSuiteReader
{
    /// <summary>The largest text a <c>repeat</c> spec may expand to, in characters (4 MiB of UTF-16).</summary>
    public const int MaxExpandedCharacters = 2_000_000;

    private const int MaxTimes = 1_000_000;

    /// <summary>Reads every line of <paramref name="reader"/>; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="AttackSuiteFormatException">A line is invalid or repeats an id.</exception>
    public static AttackSuite Read(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        var attacks = new List<AttackCase>();
        var benign = new List<BenignPrompt>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (lineNumber, line) in JsonLines.NonBlankLines(reader))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new AttackSuiteFormatException(name, lineNumber, null, $"not valid JSON ({ex.Message})", ex);
            }

            using (document)
            {
                var row = new Row(document.RootElement, name, lineNumber);
                var id = row.Id();
                if (ids.TryGetValue(id, out var firstLine))
                {
                    throw row.Error("id", $"the id \"{id}\" is already used on line {firstLine}");
                }

                ids[id] = lineNumber;
                var category = row.Category();
                var turns = row.Turns();
                var documents = row.Texts("documents", required: false);
                var language = row.Language();
                if (category == AttackCategory.Benign)
                {
                    if (turns.Count != 1)
                    {
                        throw row.Error("turns", "a benign control has exactly one user message");
                    }

                    if (row.Has("signal"))
                    {
                        throw row.Error("signal", "a benign control has no success signal");
                    }

                    benign.Add(new BenignPrompt(id, turns[0], category, documents, language));
                }
                else
                {
                    attacks.Add(new AttackCase(id, category, turns, documents, row.Signal(), language, row.OptionalString("notes") ?? ""));
                }
            }
        }

        return new AttackSuite(attacks, benign);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CategoryPattern();

    // The shape of a BCP-47 tag (RFC 5646): a 2-3 letter language, then subtags of 1-8 letters or digits.
    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LanguagePattern();

    private readonly struct Row(JsonElement element, string file, int line)
    {
        public AttackSuiteFormatException Error(string? field, string problem) => new(file, line, field, problem);

        public bool Has(string field) => element.TryGetProperty(field, out _);

        public string Id()
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(null, $"a line must be a JSON object, not {element.ValueKind}");
            }

            var id = RequiredString("id");
            return IdPattern().IsMatch(id) ? id : throw Error("id", $"\"{id}\" is not 1 to 64 letters, digits, '.', '-' or '_'");
        }

        public string Category()
        {
            var category = RequiredString("category");
            return CategoryPattern().IsMatch(category) ? category : throw Error("category", $"\"{category}\" is not a snake_case name");
        }

        public string Language()
        {
            var language = OptionalString("language") ?? "en";
            return LanguagePattern().IsMatch(language) ? language : throw Error("language", $"\"{language}\" is not a BCP-47 tag such as en, de or zh-Hans");
        }

        public SuccessSignal Signal()
        {
            var value = OptionalString("signal");
            if (value is null)
            {
                return SuccessSignal.JudgedHarmful;
            }

            foreach (var signal in Enum.GetValues<SuccessSignal>())
            {
                if (SnakeCase(signal.ToString()) == value)
                {
                    return signal;
                }
            }

            throw Error("signal", $"unknown signal \"{value}\"; expected one of {string.Join(", ", Enum.GetValues<SuccessSignal>().Select(s => SnakeCase(s.ToString())))}");
        }

        public List<string> Turns()
        {
            var hasText = element.TryGetProperty("text", out var text);
            var hasTurns = Has("turns");
            if (hasText == hasTurns)
            {
                throw Error("turns", "give either \"turns\" (an array of messages) or \"text\" (one message)");
            }

            return hasText ? [Expand(text, "text")] : Texts("turns", required: true);
        }

        public List<string> Texts(string field, bool required)
        {
            if (!element.TryGetProperty(field, out var value))
            {
                return [];
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Error(field, "must be an array");
            }

            var texts = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                texts.Add(Expand(item, $"{field}[{texts.Count}]"));
            }

            return required && texts.Count == 0 ? throw Error(field, "must hold at least one message") : texts;
        }

        public string? OptionalString(string field)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(field, "must be a string");
        }

        private string RequiredString(string field)
        {
            var value = OptionalString(field);
            return string.IsNullOrWhiteSpace(value) ? throw Error(field, "is required and must be a non-empty string") : value;
        }

        private string Expand(JsonElement value, string field)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var text = value.GetString()!;
                    return text.Length > 0 ? text : throw Error(field, "must not be empty");
                case JsonValueKind.Object:
                    break;
                default:
                    throw Error(field, "must be a string or a {\"repeat\": {\"text\", \"times\"}} object");
            }

            if (!value.TryGetProperty("repeat", out var repeat) || repeat.ValueKind != JsonValueKind.Object)
            {
                throw Error($"{field}.repeat", "is required in an expanded text and must be an object");
            }

            if (!repeat.TryGetProperty("text", out var unit) || unit.ValueKind != JsonValueKind.String || unit.GetString()!.Length == 0)
            {
                throw Error($"{field}.repeat.text", "is required and must be a non-empty string");
            }

            if (!repeat.TryGetProperty("times", out var timesValue) || !timesValue.TryGetInt32(out var times) || times < 1 || times > MaxTimes)
            {
                throw Error($"{field}.repeat.times", $"is required and must be an integer from 1 to {MaxTimes}");
            }

            var prefix = PartOf(value, "prefix", field);
            var suffix = PartOf(value, "suffix", field);
            var unitText = unit.GetString()!;
            var length = prefix.Length + ((long)unitText.Length * times) + suffix.Length;
            if (length > MaxExpandedCharacters)
            {
                throw Error($"{field}.repeat", $"expands to {length} characters, more than {MaxExpandedCharacters}");
            }

            var builder = new StringBuilder((int)length).Append(prefix);
            for (var i = 0; i < times; i++)
            {
                builder.Append(unitText);
            }

            return builder.Append(suffix).ToString();
        }

        private string PartOf(JsonElement value, string part, string field)
        {
            if (!value.TryGetProperty(part, out var element))
            {
                return "";
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Error($"{field}.{part}", "must be a string");
        }

        private static string SnakeCase(string pascal)
        {
            var builder = new StringBuilder();
            foreach (var c in pascal)
            {
                if (char.IsUpper(c) && builder.Length > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }

            return builder.ToString();
        }
    }
}
