using Spectre.Console;

namespace SafeOpenAI.Cli;

/// <summary>
/// Creates the Spectre.Console console that a report is written to: a fixed width and no interaction,
/// so that a table lays out the same in a terminal, a CI log and a file.
/// </summary>
internal static class PlainConsole
{
    /// <summary>Creates a console writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="ansi">Whether to write ANSI colours (a terminal) or plain text (a file, a pipe).</param>
    /// <param name="width">The width to lay tables out in, in characters.</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole Create(TextWriter output, bool ansi, int width)
    {
        ArgumentNullException.ThrowIfNull(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return console;
    }
}
