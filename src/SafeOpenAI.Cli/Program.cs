using System.CommandLine;
using SafeOpenAI.Cli;

var root = new RootCommand("SafeOpenAI: measure and check the safety pipeline.");
root.Subcommands.Add(EvalCommands.Create());
root.Subcommands.Add(SafeOpenAI.Cli.Audit.AuditCommand.Create());
root.Subcommands.Add(SafeOpenAI.Cli.Suspensions.SuspensionsCommand.Create());
root.Subcommands.Add(SafeOpenAI.Cli.RedTeam.RedTeamCommand.Create());
root.Subcommands.Add(SafeOpenAI.Cli.Check.CheckCommand.Create());
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Bad arguments exit 2 in every command, as their documentation says; 1 means "the check found problems".
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
    }

    return 2;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (InvalidDataException ex)
{
    // Bad input data: say which file and line, no stack trace.
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
