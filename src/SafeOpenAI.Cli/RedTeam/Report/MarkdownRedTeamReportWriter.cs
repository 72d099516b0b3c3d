using System.Text;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Writes a report as GitHub-flavoured Markdown: the run, a summary table per category (attacks,
/// succeeded, attack success rate, 95 % Wilson interval) with a total row, the benign block rate,
/// a table of the attacks that succeeded and a table of the benign prompts blocked, with the stage that blocked each. Cell text is escaped so an id cannot break the table.
/// Stateless; thread-safe.
/// </summary>
internal sealed class MarkdownRedTeamReportWriter : IRedTeamReportWriter
{
    /// <inheritdoc />
    public void Write(RedTeamReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var run = report.Run;
        output.WriteLine("# Red-team report");
        output.WriteLine();
        output.WriteLine(
            $"Suite `{Inline(run.SuiteName)}`, seed {run.Seed}, model `{Inline(run.Model)}`, {ReportText.Endpoint(run.Endpoint)}; " +
            $"{ReportText.Utc(run.StartedUtc)} to {ReportText.Utc(run.FinishedUtc)} ({ReportText.Seconds(run.DurationSeconds)})." +
            (run.NotRun > 0 ? $" Incomplete: {ReportText.Count(run.NotRun)} cases did not run (request budget)." : string.Empty));
        output.WriteLine();
        output.WriteLine("| Category | Attacks | Succeeded | ASR | 95 % CI |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var c in report.Categories)
        {
            output.WriteLine(
                $"| {Cell(c.Name)} | {ReportText.Count(c.Attacks)} | {ReportText.Count(c.Succeeded)} | " +
                $"{ReportText.Percent(c.AttackSuccessRate)} | {ReportText.Interval(c.Interval)} |");
        }

        var total = WilsonInterval.Compute(report.SucceededAttacks, report.TotalAttacks);
        output.WriteLine(
            $"| **all** | {ReportText.Count(report.TotalAttacks)} | {ReportText.Count(report.SucceededAttacks)} | " +
            $"{ReportText.Percent(report.AttackSuccessRate)} | {ReportText.Interval(total)} |");
        output.WriteLine();
        output.WriteLine(
            $"Benign block rate: {ReportText.Percent(report.BenignBlockRate)} " +
            $"({ReportText.Count(report.BenignBlocked)} of {ReportText.Count(report.BenignPrompts)} benign prompts blocked; " +
            $"95 % CI {ReportText.Interval(report.BenignBlockRateInterval)}).");
        output.WriteLine();
        output.WriteLine("## Attacks that succeeded");
        output.WriteLine();
        var succeeded = report.SucceededAttackResults.ToList();
        if (succeeded.Count == 0)
        {
            output.WriteLine("None.");
        }
        else
        {
            output.WriteLine("| Attack | Category | Blocked by | Evidence |");
            output.WriteLine("| --- | --- | --- | --- |");
            foreach (var a in succeeded)
            {
                output.WriteLine($"| {Cell(a.Id)} | {Cell(a.Category)} | {Cell(a.BlockedBy ?? "none")} | {Cell(a.Evidence)} |");
            }
        }

        // Over-blocking is tuned stage by stage, so the document names the stage behind every blocked control.
        output.WriteLine();
        output.WriteLine("## Benign prompts blocked");
        output.WriteLine();
        var blocked = report.Benign.Where(b => b.Blocked).OrderBy(b => b.Id, StringComparer.Ordinal).ToList();
        if (blocked.Count == 0)
        {
            output.WriteLine("None.");
            return;
        }

        output.WriteLine("| Benign prompt | Blocked by |");
        output.WriteLine("| --- | --- |");
        foreach (var b in blocked)
        {
            output.WriteLine($"| {Cell(b.Id)} | {Cell(b.BlockedBy!)} |");
        }
    }

    // A pipe ends a cell and a line break ends the row; Markdown punctuation is backslash-escaped so
    // an id or evidence renders as written.
    private static string Cell(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r' or '\n':
                    builder.Append(' ');
                    break;
                case '\\' or '|' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#':
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Inline(string text) => text.Replace('`', '\'').Replace('\n', ' ').Replace('\r', ' ');
}
