using System.CommandLine;

namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary><c>safeopenai eval pii --data FILE.jsonl [--json]</c>: scores the PII recognisers on labelled spans.</summary>
internal static class PiiEvalCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "JSON Lines file: one {\"text\", \"spans\":[{\"entity_type\",\"start\",\"end\"}]} per line (end exclusive).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: by_entity, micro, micro_supported, mean_us_per_item." };
        var command = new Command("pii", "Measure PII detection (precision, recall, F1 per entity type).") { data, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var file = parseResult.GetValue(data)!;
            var output = parseResult.InvocationConfiguration.Output;
            if (!file.Exists)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"No such file: {file.FullName}").ConfigureAwait(false);
                return 2;
            }

            IReadOnlyList<PiiEvaluationRow> rows;
            using (var reader = file.OpenText())
            {
                rows = PiiEvaluator.ReadJsonLines(reader, file.FullName);
            }

            var evaluator = new PiiEvaluator(PiiAnalyzer.Default);
            evaluator.Evaluate(rows.Take(50).ToList()); // warm-up: JIT and phone metadata, not timed in the report.
            var report = evaluator.Evaluate(rows);
            if (parseResult.GetValue(json))
            {
                using var stream = new MemoryStream();
                PiiEvaluator.WriteJson(report, stream);
                await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(stream.ToArray())).ConfigureAwait(false);
            }
            else
            {
                PiiEvaluator.WriteTable(report, output);
            }

            return 0;
        });
        return command;
    }
}
