using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SafeOpenAI.Cli.Evaluation.Injection;

namespace SafeOpenAI.Cli.Evaluation.Groundedness;

/// <summary>
/// Scores <see cref="GroundednessValidator"/> on labelled JSON Lines rows (<c>context</c>,
/// <c>answer</c>, optional <c>question</c> and <c>source</c>, <c>label</c> 1 unsupported / 0
/// supported) with the metric names of <c>eval injection</c>, and beside it a length-only
/// baseline: flag an answer when it is at least T characters long, with T chosen on the same
/// rows to maximise balanced accuracy (an optimistic baseline, since it sees the labels).
/// </summary>
internal static class GroundednessEvaluation
{
    /// <summary>Evaluates every row of a JSON Lines file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="validator">The validator (any policy: a row is flagged when the code is <c>groundedness.unsupported</c>).</param>
    /// <returns>The counts and the baseline.</returns>
    /// <exception cref="InvalidDataException">A row is not JSON or misses a field; the message names the file and line.</exception>
    public static GroundednessEvaluationResult Evaluate(string path, GroundednessValidator validator)
    {
        List<GroundednessRow> rows;
        using (var reader = File.OpenText(path))
        {
            rows = [.. JsonLines.Read(reader, path, static root =>
            {
                var context = JsonLines.Required(root, "context").GetString() ?? throw new InvalidDataException("\"context\" is not a string");
                var answer = JsonLines.Required(root, "answer").GetString() ?? throw new InvalidDataException("\"answer\" is not a string");
                var question = root.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
                var label = JsonLines.Required(root, "label");
                var unsupported = label.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when label.GetInt32() is 0 or 1 => label.GetInt32() == 1,
                    _ => throw new InvalidDataException("\"label\" must be 0 or 1"),
                };
                var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown";
                return new GroundednessRow(context, answer, question, unsupported, source);
            })];
        }

        // Warm-up (JIT), not timed.
        if (rows.Count > 0)
        {
            Flag(validator, rows[0]);
        }

        var overall = new InjectionCounts();
        var bySource = new SortedDictionary<string, InjectionCounts>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var start = Stopwatch.GetTimestamp();
            var flagged = Flag(validator, row);
            var microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            overall.Add(row.Unsupported, flagged, microseconds);
            if (!bySource.TryGetValue(row.Source, out var counts))
            {
                bySource[row.Source] = counts = new InjectionCounts();
            }

            counts.Add(row.Unsupported, flagged, microseconds);
        }

        var (baseline, threshold) = LengthBaseline(rows);
        return new GroundednessEvaluationResult(overall, bySource, baseline, threshold);
    }

    /// <summary>Writes the JSON contract: the keys of <c>eval injection --json</c>, <c>by_source</c>, and <c>length_baseline</c> (the same keys plus <c>threshold_characters</c>).</summary>
    public static void WriteJson(TextWriter output, GroundednessEvaluationResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            InjectionEvaluation.WriteKeys(writer, result.Overall);
            writer.WriteStartObject("by_source");
            foreach (var (source, counts) in result.BySource)
            {
                writer.WriteStartObject(source);
                InjectionEvaluation.WriteKeys(writer, counts);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartObject("length_baseline");
            writer.WriteNumber("threshold_characters", result.LengthThresholdCharacters);
            InjectionEvaluation.WriteKeys(writer, result.LengthBaseline);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes the table of <c>eval injection</c> with one more row: the length-only baseline.</summary>
    public static void WriteTable(TextWriter output, GroundednessEvaluationResult result)
    {
        InjectionEvaluation.WriteTable(output, result.Overall, result.BySource, extraRows: [(string.Create(CultureInfo.InvariantCulture, $"length>={result.LengthThresholdCharacters}"), result.LengthBaseline)]);
    }

    private static bool Flag(GroundednessValidator validator, GroundednessRow row)
    {
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, row.Question ?? string.Empty)], "evaluation")
        {
            Sources = [new SourceDocument("context", row.Context)],
        };
        var response = new SafetyResponse([MessagePart.FromText(row.Answer)], usage: null);

        // The lexical check completes synchronously.
        var verdict = validator.ValidateAsync(request, response, CancellationToken.None).AsTask().GetAwaiter().GetResult().Verdict;
        return verdict.Code == GroundednessValidator.UnsupportedCode;
    }

    private static (InjectionCounts Counts, int Threshold) LengthBaseline(List<GroundednessRow> rows)
    {
        var best = new InjectionCounts();
        var bestThreshold = 0;
        var bestScore = double.MinValue;
        foreach (var threshold in rows.Select(r => r.Answer.Length).Distinct().Order())
        {
            var counts = new InjectionCounts();
            foreach (var row in rows)
            {
                counts.Add(row.Unsupported, row.Answer.Length >= threshold, 0);
            }

            if ((counts.BalancedAccuracy ?? 0) > bestScore)
            {
                bestScore = counts.BalancedAccuracy ?? 0;
                best = counts;
                bestThreshold = threshold;
            }
        }

        return (best, bestThreshold);
    }
}
