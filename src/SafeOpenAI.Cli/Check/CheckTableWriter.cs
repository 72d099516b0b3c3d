using Spectre.Console;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// Writes a check result as a console table (Spectre.Console): status (coloured on a terminal), item, key to change and
/// what is in force or what to do, then the summary line. Cells are plain <see cref="Text"/>, never markup. Stateless; thread-safe.
/// </summary>
internal static class CheckTableWriter
{
    /// <summary>Writes the table and the summary line.</summary>
    /// <param name="result">The result.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="ansi">Whether to write colours (a terminal) or plain text (a file, a CI log).</param>
    /// <param name="width">The width to lay the table out in, in characters.</param>
    public static void Write(CheckResult result, TextWriter output, bool ansi, int width = 160)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var console = PlainConsole.Create(output, ansi, Math.Max(80, width));
        console.WriteLine($"Pre-production check of {result.Configuration}");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Status")
            .AddColumn("Item")
            .AddColumn("Key")
            .AddColumn("Detail");
        foreach (var item in result.Items)
        {
            var style = item.Status switch
            {
                CheckStatus.Pass => new Style(Color.Green),
                CheckStatus.Warn => new Style(Color.Yellow),
                _ => new Style(Color.Red, decoration: Decoration.Bold),
            };
            table.AddRow(
                new Text(CheckJsonReport.StatusName(item.Status).ToUpperInvariant(), style),
                new Text($"{item.Title}\n({item.Id})"),
                new Text(item.Key),
                new Text(item.Detail));
        }

        console.Write(table);
        console.WriteLine(result.Summary);
    }
}
