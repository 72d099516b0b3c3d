using System.CommandLine;

namespace SafeOpenAI.Cli.Evaluation.Injection;

/// <summary><c>safeopenai eval injection --data FILE.jsonl [--mode prompt|document] [--json]</c>.</summary>
internal static class InjectionEvalCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "JSON Lines rows with text, label (1 attack, 0 benign) and optional source.", Required = true };
        var mode = new Option<string>("--mode") { Description = "prompt (user messages) or document (untrusted content).", DefaultValueFactory = _ => "prompt" };
        mode.AcceptOnlyFromAmong("prompt", "document");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("injection", "Measure the offline prompt-injection detector.") { data, mode, json };
        command.SetAction(parse => Run(parse.GetValue(data)!, parse.GetValue(mode)!, parse.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Runs the evaluation and prints the result.</summary>
    /// <param name="data">The labelled file.</param>
    /// <param name="mode"><c>prompt</c> or <c>document</c>.</param>
    /// <param name="json">Print the JSON contract instead of a table.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>The exit code: 0, or 2 when the file is missing or a row is malformed.</returns>
    public static int Run(FileInfo data, string mode, bool json, TextWriter output)
    {
        if (!data.Exists)
        {
            Console.Error.WriteLine($"No such file: {data.FullName}");
            return 2;
        }

        var detectionMode = string.Equals(mode, "document", StringComparison.OrdinalIgnoreCase) ? PromptInjectionMode.Document : PromptInjectionMode.Prompt;
        var detector = PromptInjectionDetector.Default;
        detector.Detect("warm up", detectionMode);
        var (overall, bySource) = InjectionEvaluation.Evaluate(data.FullName, detectionMode, detector);
        if (json)
        {
            InjectionEvaluation.WriteJson(output, overall, bySource);
        }
        else
        {
            InjectionEvaluation.WriteTable(output, overall, bySource);
        }

        return 0;
    }
}
