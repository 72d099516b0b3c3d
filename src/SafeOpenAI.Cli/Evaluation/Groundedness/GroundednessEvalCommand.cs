using System.CommandLine;

namespace SafeOpenAI.Cli.Evaluation.Groundedness;

/// <summary><c>safeopenai eval groundedness --data FILE.jsonl [--json]</c>: scores the lexical groundedness check.</summary>
internal static class GroundednessEvalCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "JSON Lines rows with context, answer, optional question and source, and label (1 unsupported, 0 supported).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("groundedness", "Measure the groundedness check (GroundednessValidator, lexical mode, default options) beside a length-only baseline.") { data, json };
        command.SetAction(parse => Run(parse.GetValue(data)!, parse.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Runs the evaluation and prints the result.</summary>
    /// <param name="data">The labelled file.</param>
    /// <param name="json">Print the JSON contract instead of a table.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>The exit code: 0, or 2 when the file is missing (a malformed row throws <see cref="InvalidDataException"/>, which the tool answers with 2).</returns>
    public static int Run(FileInfo data, bool json, TextWriter output)
    {
        if (!data.Exists)
        {
            Console.Error.WriteLine($"No such file: {data.FullName}");
            return 2;
        }

        var result = GroundednessEvaluation.Evaluate(data.FullName, new GroundednessValidator(new GroundednessOptions { Policy = GroundednessPolicy.Annotate }));
        if (json)
        {
            GroundednessEvaluation.WriteJson(output, result);
        }
        else
        {
            GroundednessEvaluation.WriteTable(output, result);
        }

        return 0;
    }
}
