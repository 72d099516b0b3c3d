using System.CommandLine;

namespace SafeOpenAI.Cli;

/// <summary>The <c>safeopenai eval</c> command group: one subcommand per detector.</summary>
internal static class EvalCommands
{
    public static Command Create()
    {
        var eval = new Command("eval", "Measure a detector on labelled JSON Lines data.");
        eval.Subcommands.Add(Evaluation.Injection.InjectionEvalCommand.Create());
        eval.Subcommands.Add(Evaluation.Pii.PiiEvalCommand.Create());
        eval.Subcommands.Add(Evaluation.Groundedness.GroundednessEvalCommand.Create());
        return eval;
    }
}
