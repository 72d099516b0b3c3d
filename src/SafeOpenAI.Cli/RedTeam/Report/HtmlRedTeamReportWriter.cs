using System.Globalization;
using System.Net;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Writes a report as one self-contained HTML page: inline CSS, inline SVG charts, no script and no
/// request to the network or for fonts (its Content-Security-Policy forbids them). It holds a bar
/// chart of the attack success rate per category with the 95 % Wilson interval as whiskers
/// (<c>svg#asr-chart</c>, one <c>rect.bar</c> per category), a chart of the benign block rate
/// (<c>svg#benign-chart</c>), the category table (<c>table#categories</c>) and one row per attack
/// (<c>table#attacks</c>) and per benign prompt (<c>table#benign</c>). Every string from the report
/// is HTML-encoded; the markup is also well-formed XML, so tools can read it with an XML parser.
/// Stateless; thread-safe.
/// </summary>
internal sealed class HtmlRedTeamReportWriter : IRedTeamReportWriter
{
    private const int LabelWidth = 200;
    private const int BarWidth = 400;
    private const int RowHeight = 26;
    private const int AxisHeight = 24;

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2328;max-width:72rem}
        h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
        table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}tr.fail td{background:#ffebe9}
        svg text{font-size:12px;fill:#1f2328}.bar{fill:#cf222e}.bar.benign{fill:#bf8700}
        .ci{stroke:#1f2328;stroke-width:1.5}.grid{stroke:#d0d7de}
        """;

    /// <inheritdoc />
    public void Write(RedTeamReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var run = report.Run;
        output.WriteLine("<!DOCTYPE html>");
        output.WriteLine("<html lang=\"en\">");
        output.WriteLine("<head>");
        output.WriteLine("<meta charset=\"utf-8\" />");
        output.WriteLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\" />");
        output.WriteLine($"<title>Red-team report: {E(run.SuiteName)}</title>");
        output.WriteLine($"<style>{Css}</style>");
        output.WriteLine("</head>");
        output.WriteLine("<body>");
        output.WriteLine("<h1>Red-team report</h1>");
        output.WriteLine(
            $"<p>Suite <code>{E(run.SuiteName)}</code>, seed {run.Seed.ToString(CultureInfo.InvariantCulture)}, model <code>{E(run.Model)}</code>, " +
            $"{ReportText.Endpoint(run.Endpoint)}; {E(ReportText.Utc(run.StartedUtc))} to {E(ReportText.Utc(run.FinishedUtc))} " +
            $"({E(ReportText.Seconds(run.DurationSeconds))}). {ReportText.Count(report.TotalAttacks)} attacks, " +
            $"{ReportText.Count(report.SucceededAttacks)} succeeded ({E(ReportText.Percent(report.AttackSuccessRate))})." +
            (run.NotRun > 0 ? $" Incomplete: {ReportText.Count(run.NotRun)} cases did not run (request budget)." : string.Empty) + "</p>");

        output.WriteLine("<h2>Attack success rate per category (95 % Wilson interval)</h2>");
        WriteChart(output, "asr-chart", "bar", [.. report.Categories.Select(c => (c.Name, c.AttackSuccessRate, c.Interval))]);

        output.WriteLine("<h2>Benign block rate (over-blocking)</h2>");
        WriteChart(output, "benign-chart", "bar benign", [("benign prompts", report.BenignBlockRate, report.BenignBlockRateInterval)]);
        output.WriteLine(
            $"<p>{ReportText.Count(report.BenignBlocked)} of {ReportText.Count(report.BenignPrompts)} benign prompts blocked.</p>");

        WriteCategoryTable(output, report);
        WriteAttackTable(output, report);
        WriteBenignTable(output, report);
        output.WriteLine("</body>");
        output.WriteLine("</html>");
    }

    private static void WriteChart(TextWriter output, string id, string barClass, IReadOnlyList<(string Label, double Rate, WilsonInterval Interval)> rows)
    {
        var width = LabelWidth + BarWidth + 80;
        var height = (rows.Count * RowHeight) + AxisHeight;
        output.WriteLine(
            $"<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        var plotBottom = rows.Count * RowHeight;
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
        {
            var x = N(LabelWidth + (tick / 100.0 * BarWidth));
            output.WriteLine($"<line class=\"grid\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{plotBottom}\" />");
            output.WriteLine($"<text x=\"{x}\" y=\"{plotBottom + 16}\" text-anchor=\"middle\">{tick} %</text>");
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var (label, rate, interval) = rows[i];
            var top = i * RowHeight;
            var middle = N(top + (RowHeight / 2.0));
            var low = N(LabelWidth + (interval.Low * BarWidth));
            var high = N(LabelWidth + (interval.High * BarWidth));
            output.WriteLine($"<g data-label=\"{E(label)}\">");
            output.WriteLine(
                $"<title>{E(label)}: {E(ReportText.Percent(rate))}, 95 % CI {E(ReportText.Interval(interval))}</title>");
            output.WriteLine($"<text x=\"{LabelWidth - 8}\" y=\"{N(top + 17)}\" text-anchor=\"end\">{E(label)}</text>");
            output.WriteLine(
                $"<rect class=\"{barClass}\" x=\"{LabelWidth}\" y=\"{N(top + 5)}\" width=\"{N(rate * BarWidth)}\" height=\"{RowHeight - 10}\" />");
            output.WriteLine($"<line class=\"ci\" x1=\"{low}\" y1=\"{middle}\" x2=\"{high}\" y2=\"{middle}\" />");
            output.WriteLine($"<line class=\"ci\" x1=\"{low}\" y1=\"{N(top + 7)}\" x2=\"{low}\" y2=\"{N(top + RowHeight - 7)}\" />");
            output.WriteLine($"<line class=\"ci\" x1=\"{high}\" y1=\"{N(top + 7)}\" x2=\"{high}\" y2=\"{N(top + RowHeight - 7)}\" />");
            output.WriteLine(
                $"<text x=\"{N(LabelWidth + BarWidth + 6)}\" y=\"{N(top + 17)}\">{E(ReportText.Percent(rate))}</text>");
            output.WriteLine("</g>");
        }

        output.WriteLine("</svg>");
    }

    private static void WriteCategoryTable(TextWriter output, RedTeamReport report) =>
        WriteTable(
            output,
            "Categories",
            "categories",
            [("Category", false), ("Attacks", true), ("Succeeded", true), ("ASR", true), ("95 % CI", true)],
            report.Categories,
            c => c.Succeeded > 0,
            c => [c.Name, ReportText.Count(c.Attacks), ReportText.Count(c.Succeeded), ReportText.Percent(c.AttackSuccessRate), ReportText.Interval(c.Interval)]);

    private static void WriteAttackTable(TextWriter output, RedTeamReport report) =>
        WriteTable(
            output,
            "Attacks",
            "attacks",
            [("Attack", false), ("Category", false), ("Blocked by", false), ("Reached model", false), ("Succeeded", false), ("Evidence", false)],
            report.Attacks,
            a => a.Succeeded,
            a => [a.Id, a.Category, a.BlockedBy ?? "none", YesNo(a.ReachedModel), YesNo(a.Succeeded), a.Evidence]);

    private static void WriteBenignTable(TextWriter output, RedTeamReport report) =>
        WriteTable(
            output,
            "Benign control prompts",
            "benign",
            [("Prompt", false), ("Blocked", false), ("Blocked by", false)],
            report.Benign,
            b => b.Blocked,
            b => [b.Id, YesNo(b.Blocked), b.BlockedBy ?? "none"]);

    /// <summary>Writes one titled table; every cell is HTML-encoded, numeric columns are right-aligned and failed rows marked.</summary>
    private static void WriteTable<T>(
        TextWriter output,
        string title,
        string id,
        (string Header, bool Numeric)[] columns,
        IEnumerable<T> rows,
        Func<T, bool> failed,
        Func<T, string[]> cells)
    {
        output.WriteLine($"<h2>{E(title)}</h2>");
        output.WriteLine($"<table id=\"{id}\">");
        output.WriteLine("<thead><tr>" + string.Concat(columns.Select(c => $"<th>{E(c.Header)}</th>")) + "</tr></thead>");
        output.WriteLine("<tbody>");
        foreach (var row in rows)
        {
            var values = cells(row);
            var tds = values.Select((value, i) => (columns[i].Numeric ? "<td class=\"n\">" : "<td>") + E(value) + "</td>");
            output.WriteLine((failed(row) ? "<tr class=\"fail\">" : "<tr>") + string.Concat(tds) + "</tr>");
        }

        output.WriteLine("</tbody>");
        output.WriteLine("</table>");
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
