using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SafeOpenAI.Cli.Evaluation.Injection;

/// <summary>
/// Scores <see cref="PromptInjectionDetector"/> on labelled JSON Lines rows (<c>text</c>,
/// <c>label</c> 1 attack / 0 benign, optional <c>source</c>) and writes the result as the JSON
/// contract of <c>safeopenai eval injection --json</c> or as a table.
/// </summary>
internal static class InjectionEvaluation
{
    /// <summary>Evaluates every row of a JSON Lines file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="mode">The detector mode.</param>
    /// <param name="detector">The detector.</param>
    /// <returns>The overall counts and the counts per source (rows without a source count as <c>unknown</c>).</returns>
    public static (InjectionCounts Overall, SortedDictionary<string, InjectionCounts> BySource) Evaluate(string path, PromptInjectionMode mode, PromptInjectionDetector detector)
    {
        var overall = new InjectionCounts();
        var bySource = new SortedDictionary<string, InjectionCounts>(StringComparer.Ordinal);
        using var reader = File.OpenText(path);
        var rows = JsonLines.Read(reader, path, static root =>
        {
            var text = JsonLines.Required(root, "text").GetString() ?? string.Empty;
            var label = JsonLines.Required(root, "label");
            var attack = label.ValueKind == JsonValueKind.True || (label.ValueKind == JsonValueKind.Number && label.GetInt32() == 1);
            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown";
            return (text, attack, source);
        });
        foreach (var (text, attack, source) in rows)
        {
            var start = Stopwatch.GetTimestamp();
            var flagged = detector.Detect(text, mode).IsInjection;
            var microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;

            overall.Add(attack, flagged, microseconds);
            if (!bySource.TryGetValue(source, out var counts))
            {
                bySource[source] = counts = new InjectionCounts();
            }

            counts.Add(attack, flagged, microseconds);
        }

        return (overall, bySource);
    }

    /// <summary>Writes the JSON contract: one object with the overall keys and <c>by_source</c>.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="overall">The overall counts.</param>
    /// <param name="bySource">The counts per source.</param>
    public static void WriteJson(TextWriter output, InjectionCounts overall, IReadOnlyDictionary<string, InjectionCounts> bySource)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteKeys(writer, overall);
            writer.WriteStartObject("by_source");
            foreach (var (source, counts) in bySource)
            {
                writer.WriteStartObject(source);
                WriteKeys(writer, counts);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes a readable table.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="overall">The overall counts.</param>
    /// <param name="bySource">The counts per source.</param>
    /// <param name="extraRows">Rows printed after the total (a baseline), or <see langword="null"/>.</param>
    public static void WriteTable(TextWriter output, InjectionCounts overall, IReadOnlyDictionary<string, InjectionCounts> bySource, IReadOnlyList<(string Name, InjectionCounts Counts)>? extraRows = null)
    {
        var width = Math.Max(10, bySource.Keys.Concat(extraRows?.Select(r => r.Name) ?? []).Select(k => k.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"source".PadRight(width)}  {"n",6} {"tp",6} {"fp",6} {"tn",6} {"fn",6} {"tpr",7} {"fpr",7} {"prec",7} {"f1",7} {"bal.acc",7} {"us/item",8}");
        foreach (var (source, counts) in bySource)
        {
            output.WriteLine(Line(source.PadRight(width), counts));
        }

        output.WriteLine(Line("ALL".PadRight(width), overall));
        foreach (var (name, counts) in extraRows ?? [])
        {
            output.WriteLine(Line(name.PadRight(width), counts));
        }
    }

    private static string Line(string name, InjectionCounts c) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}  {c.N,6} {c.TruePositives,6} {c.FalsePositives,6} {c.TrueNegatives,6} {c.FalseNegatives,6} {Pct(c.Tpr),7} {Pct(c.Fpr),7} {Pct(c.Precision),7} {Pct(c.F1),7} {Pct(c.BalancedAccuracy),7} {c.MeanMicrosecondsPerItem,8:F1}");

    private static string Pct(double? value) => value is double v ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>Writes the metric keys of one set of counts (the JSON contract's names).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="c">The counts.</param>
    public static void WriteKeys(Utf8JsonWriter writer, InjectionCounts c)
    {
        writer.WriteNumber("n", c.N);
        writer.WriteNumber("tp", c.TruePositives);
        writer.WriteNumber("fp", c.FalsePositives);
        writer.WriteNumber("tn", c.TrueNegatives);
        writer.WriteNumber("fn", c.FalseNegatives);
        WriteRatio(writer, "tpr", c.Tpr);
        WriteRatio(writer, "fpr", c.Fpr);
        WriteRatio(writer, "precision", c.Precision);
        WriteRatio(writer, "recall", c.Recall);
        WriteRatio(writer, "f1", c.F1);
        WriteRatio(writer, "balanced_accuracy", c.BalancedAccuracy);
        writer.WriteNumber("mean_us_per_item", Math.Round(c.MeanMicrosecondsPerItem, 2));
    }

    private static void WriteRatio(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is double v)
        {
            writer.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
