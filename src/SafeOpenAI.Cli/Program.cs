using System.CommandLine;
using SafeOpenAI.Cli;

var root = new RootCommand("SafeOpenAI: measure and check the safety pipeline.");
root.Subcommands.Add(EvalCommands.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
