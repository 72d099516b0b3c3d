using System.Text.Json;

namespace SafeOpenAI.Samples.Console;

/// <summary>Reads the prompts to send: from arguments, from <c>--file</c> (plain lines, or JSON Lines with a <c>text</c> field), or from standard input.</summary>
internal static class PromptSource
{
    public static IReadOnlyList<string> Read(string[] args, TextReader standardInput, bool inputRedirected)
    {
        var prompts = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--file")
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException("--file needs a path: one prompt per line, or JSON Lines with a \"text\" field.");
                }

                prompts.AddRange(ReadFile(args[++i]));
            }
            else
            {
                prompts.Add(args[i]);
            }
        }

        if (prompts.Count == 0 && inputRedirected)
        {
            string? line;
            while ((line = standardInput.ReadLine()) is not null)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    prompts.Add(line);
                }
            }
        }

        return prompts;
    }

    private static IEnumerable<string> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The prompt file '{path}' does not exist.", path);
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || line.TrimStart().StartsWith('{'))
            {
                using var row = JsonDocument.Parse(line);
                if (!row.RootElement.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{path}:{lineNumber} has no string field \"text\".");
                }

                yield return text.GetString()!;
            }
            else
            {
                yield return line;
            }
        }
    }
}
