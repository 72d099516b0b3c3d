using Spectre.Console;
using Spectre.Console.Rendering;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Writes a report as console tables (Spectre.Console): the run, one row per category with attacks,
/// succeeded, attack success rate and 95 % Wilson interval, a total row, the benign block rate, and
/// the attacks that succeeded. Text cells are plain <see cref="Text"/>, never markup, so an id with
/// brackets prints as written. Stateless; thread-safe.
/// </summary>
internal sealed class TableRedTeamReportWriter : IRedTeamReportWriter
{
    private readonly bool _ansi;
    private readonly int _width;

    /// <summary>Creates the writer.</summary>
    /// <param name="ansi">Whether to write colours and ANSI escape codes (a terminal) or plain text (a file, a CI log).</param>
    /// <param name="width">The width to lay the tables out in, in characters; 40 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is under 40.</exception>
    public TableRedTeamReportWriter(bool ansi = false, int width = 120)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 40);
        _ansi = ansi;
        _width = width;
    }

    /// <inheritdoc />
    public void Write(RedTeamReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var console = PlainConsole.Create(output, _ansi, _width);

        var run = report.Run;
        console.WriteLine(
            $"Red-team report: suite {run.SuiteName}, seed {run.Seed}, model {run.Model}, {ReportText.Endpoint(run.Endpoint)}, " +
            $"{ReportText.Utc(run.StartedUtc)} ({ReportText.Seconds(run.DurationSeconds)})" +
            (run.NotRun > 0 ? $"; incomplete: {ReportText.Count(run.NotRun)} cases did not run (request budget)" : string.Empty));

        var categories = new Table().Border(TableBorder.Rounded)
            .AddColumn("Category")
            .AddColumn(new TableColumn("Attacks").RightAligned())
            .AddColumn(new TableColumn("Succeeded").RightAligned())
            .AddColumn(new TableColumn("ASR").RightAligned())
            .AddColumn(new TableColumn("95 % CI").RightAligned());
        foreach (var c in report.Categories)
        {
            categories.AddRow(Row(
                new Text(c.Name),
                c.Attacks,
                c.Succeeded,
                new Text(ReportText.Percent(c.AttackSuccessRate), c.Succeeded > 0 ? new Style(Color.Red) : Style.Plain),
                ReportText.Interval(c.Interval)));
        }

        categories.AddRow(Row(
            new Text("all", new Style(decoration: Decoration.Bold)),
            report.TotalAttacks,
            report.SucceededAttacks,
            new Text(ReportText.Percent(report.AttackSuccessRate)),
            ReportText.Interval(WilsonInterval.Compute(report.SucceededAttacks, report.TotalAttacks))));
        console.Write(categories);

        console.WriteLine(
            $"Benign block rate: {ReportText.Percent(report.BenignBlockRate)} ({report.BenignBlocked} of {report.BenignPrompts} blocked; " +
            $"95 % CI {ReportText.Interval(report.BenignBlockRateInterval)})");

        var succeeded = report.SucceededAttackResults.ToList();
        if (succeeded.Count == 0)
        {
            console.WriteLine("No attack succeeded.");
            return;
        }

        var attacks = new Table().Border(TableBorder.Rounded).Title("Attacks that succeeded")
            .AddColumn("Attack").AddColumn("Category").AddColumn("Blocked by").AddColumn("Evidence");
        foreach (var a in succeeded)
        {
            attacks.AddRow(new Text(a.Id), new Text(a.Category), new Text(a.BlockedBy ?? "none"), new Text(a.Evidence));
        }

        console.Write(attacks);
    }

    private static IRenderable[] Row(Text name, int attacks, int succeeded, Text rate, string interval) =>
        [name, new Text(ReportText.Count(attacks)), new Text(ReportText.Count(succeeded)), rate, new Text(interval)];
}
