using System.CommandLine;
using SafeOpenAI.Cli;

var root = new RootCommand("SafeOpenAI: measure and check the safety pipeline.");
root.Subcommands.Add(EvalCommands.Create());
root.Subcommands.Add(SafeOpenAI.Cli.Audit.AuditCommand.Create());
root.Subcommands.Add(SafeOpenAI.Cli.Suspensions.SuspensionsCommand.Create());
root.Subcommands.Add(SafeOpenAI.Cli.RedTeam.RedTeamCommand.Create());
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (InvalidDataException ex)
{
    // Bad input data: say which file and line, no stack trace.
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
