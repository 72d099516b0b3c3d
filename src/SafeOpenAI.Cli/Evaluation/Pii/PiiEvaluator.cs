using System.Diagnostics;
using System.Text.Json;

namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary>
/// Scores <see cref="PiiAnalyzer"/> against labelled spans. A predicted span matches a gold span
/// of a compatible type that it overlaps by at least half of the gold span's length; each gold and
/// each predicted span matches at most once. URL and DOMAIN_NAME are compatible (datasets label
/// the same URLs with either name). Precision counts matched predictions, recall matched gold spans.
/// <c>micro_supported</c> counts only gold spans of the types the analyzer claims.
/// </summary>
internal sealed class PiiEvaluator
{
    private readonly PiiAnalyzer _analyzer;

    public PiiEvaluator(PiiAnalyzer analyzer)
    {
        _analyzer = analyzer;
    }

    public static IReadOnlyList<PiiEvaluationRow> ReadJsonLines(TextReader reader, string name = "input") =>
        JsonLines.Read(reader, name, static root =>
        {
            var text = JsonLines.Required(root, "text").GetString() ?? string.Empty;
            var spans = new List<PiiGoldSpan>();
            if (root.TryGetProperty("spans", out var spansElement) && spansElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var span in spansElement.EnumerateArray())
                {
                    spans.Add(new PiiGoldSpan(
                        JsonLines.Required(span, "entity_type").GetString()!,
                        JsonLines.Required(span, "start").GetInt32(),
                        JsonLines.Required(span, "end").GetInt32()));
                }
            }

            return new PiiEvaluationRow(text, spans);
        }).ToList();

    public static bool Compatible(string gold, string predicted) =>
        string.Equals(gold, predicted, StringComparison.Ordinal) || (IsUrlLike(gold) && IsUrlLike(predicted));

    public static bool Matches(PiiGoldSpan gold, int start, int end)
    {
        var overlap = Math.Min(gold.End, end) - Math.Max(gold.Start, start);
        return overlap > 0 && 2 * overlap >= gold.End - gold.Start;
    }

    public PiiEvaluationReport Evaluate(IReadOnlyList<PiiEvaluationRow> rows)
    {
        var supported = new HashSet<string>(_analyzer.SupportedEntities, StringComparer.Ordinal);
        if (supported.Contains(PiiEntityTypes.Url))
        {
            supported.Add(PiiEntityTypes.DomainName); // gold DOMAIN_NAME spans are matched by URL findings (see Compatible).
        }
        var support = new Dictionary<string, int>(StringComparer.Ordinal);
        var predicted = new Dictionary<string, int>(StringComparer.Ordinal);
        var matchedGold = new Dictionary<string, int>(StringComparer.Ordinal);
        var matchedPredicted = new Dictionary<string, int>(StringComparer.Ordinal);
        long ticks = 0;
        foreach (var row in rows)
        {
            var started = Stopwatch.GetTimestamp();
            var found = _analyzer.Analyze(row.Text);
            ticks += Stopwatch.GetTimestamp() - started;
            var goldUsed = new bool[row.Spans.Count];
            foreach (var gold in row.Spans)
            {
                Increment(support, gold.EntityType);
            }

            foreach (var entity in found)
            {
                // A prediction that matches is counted under the gold span's type (a URL finding on a
                // gold DOMAIN_NAME counts for DOMAIN_NAME); one that matches nothing under its own type.
                var matched = false;
                for (var g = 0; g < row.Spans.Count; g++)
                {
                    var gold = row.Spans[g];
                    if (!goldUsed[g] && Compatible(gold.EntityType, entity.EntityType) && Matches(gold, entity.Start, entity.End))
                    {
                        goldUsed[g] = true;
                        matched = true;
                        Increment(predicted, gold.EntityType);
                        Increment(matchedGold, gold.EntityType);
                        Increment(matchedPredicted, gold.EntityType);
                        break;
                    }
                }

                if (!matched)
                {
                    Increment(predicted, entity.EntityType);
                }
            }
        }

        var types = new SortedSet<string>(support.Keys.Concat(predicted.Keys), StringComparer.Ordinal);
        var byEntity = new SortedDictionary<string, PiiEntityScore>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            byEntity[type] = PiiEntityScore.From(Get(support, type), Get(predicted, type), Get(matchedGold, type), Get(matchedPredicted, type));
        }

        var micro = PiiEntityScore.From(support.Values.Sum(), predicted.Values.Sum(), matchedGold.Values.Sum(), matchedPredicted.Values.Sum());
        var supportedTypes = types.Where(supported.Contains).ToList();
        var microSupported = PiiEntityScore.From(
            supportedTypes.Sum(t => Get(support, t)),
            supportedTypes.Sum(t => Get(predicted, t)),
            supportedTypes.Sum(t => Get(matchedGold, t)),
            supportedTypes.Sum(t => Get(matchedPredicted, t)));
        var meanMicroseconds = rows.Count == 0 ? 0 : ticks * 1_000_000.0 / Stopwatch.Frequency / rows.Count;
        return new PiiEvaluationReport(byEntity, micro, microSupported, [.. supported.Order(StringComparer.Ordinal)], meanMicroseconds);
    }

    public static void WriteJson(PiiEvaluationReport report, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteStartObject("by_entity");
        foreach (var (type, score) in report.ByEntity)
        {
            writer.WriteStartObject(type);
            WriteScore(writer, score);
            writer.WriteNumber("support", score.Support);
            writer.WriteNumber("predicted", score.Predicted);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("micro");
        WriteScore(writer, report.Micro);
        writer.WriteEndObject();
        writer.WriteStartObject("micro_supported");
        WriteScore(writer, report.MicroSupported);
        writer.WriteEndObject();
        writer.WriteNumber("mean_us_per_item", Math.Round(report.MeanMicrosecondsPerItem, 2));
        writer.WriteEndObject();
    }

    public static void WriteTable(PiiEvaluationReport report, TextWriter output)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(inv, "{0,-20} {1,9} {2,9} {3,9} {4,8} {5,9}  {6}", "entity", "precision", "recall", "f1", "support", "predicted", "supported"));
        var supported = new HashSet<string>(report.SupportedEntities, StringComparer.Ordinal);
        foreach (var (type, s) in report.ByEntity)
        {
            output.WriteLine(string.Format(inv, "{0,-20} {1,9:0.0000} {2,9:0.0000} {3,9:0.0000} {4,8} {5,9}  {6}", type, s.Precision, s.Recall, s.F1, s.Support, s.Predicted, supported.Contains(type) ? "yes" : "no"));
        }

        output.WriteLine(string.Format(inv, "{0,-20} {1,9:0.0000} {2,9:0.0000} {3,9:0.0000}", "micro", report.Micro.Precision, report.Micro.Recall, report.Micro.F1));
        output.WriteLine(string.Format(inv, "{0,-20} {1,9:0.0000} {2,9:0.0000} {3,9:0.0000}", "micro_supported", report.MicroSupported.Precision, report.MicroSupported.Recall, report.MicroSupported.F1));
        output.WriteLine(string.Format(inv, "mean µs per item: {0:0.00}", report.MeanMicrosecondsPerItem));
    }

    private static void WriteScore(Utf8JsonWriter writer, PiiEntityScore score)
    {
        writer.WriteNumber("precision", Math.Round(score.Precision, 4));
        writer.WriteNumber("recall", Math.Round(score.Recall, 4));
        writer.WriteNumber("f1", Math.Round(score.F1, 4));
    }

    private static bool IsUrlLike(string type) => type is "URL" or "DOMAIN_NAME";

    private static void Increment(Dictionary<string, int> counts, string key) => counts[key] = Get(counts, key) + 1;

    private static int Get(Dictionary<string, int> counts, string key) => counts.TryGetValue(key, out var n) ? n : 0;
}
