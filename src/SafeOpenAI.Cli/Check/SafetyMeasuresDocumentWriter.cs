using System.Globalization;
using System.Text;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// Writes the "Safety measures in force" document (<c>safeopenai check --format markdown</c>) that the production guide's
/// checklist asks teams to keep for compliance ("Document all safety measures for compliance"): the application, the date,
/// the measures in force grouped as input defenses, moderation, output checks, limits and budgets, oversight and the
/// red-team result (per-category rates copied from the recorded report), then the open items with the keys to change.
/// Cell text is escaped so that a value cannot break a table. Stateless; thread-safe.
/// </summary>
internal static class SafetyMeasuresDocumentWriter
{
    private static readonly (CheckGroup Group, string Heading)[] Sections =
    [
        (CheckGroup.InputDefenses, "Input defenses"),
        (CheckGroup.Moderation, "Moderation"),
        (CheckGroup.OutputChecks, "Output checks"),
        (CheckGroup.LimitsAndBudgets, "Limits and budgets"),
        (CheckGroup.Oversight, "Oversight"),
        (CheckGroup.Configuration, "Configuration"),
    ];

    /// <summary>Writes the document.</summary>
    /// <param name="result">The result.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(CheckResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var name = result.ApplicationName ?? "(unnamed application: set SafeOpenAI:Deployment:Name)";
        output.WriteLine($"# Safety measures in force: {Inline(name)}");
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Checked on {result.CheckedUtc.UtcDateTime:yyyy-MM-dd HH:mm} UTC by `safeopenai check` against `{result.Configuration}`."));
        output.WriteLine($"Result: {result.Summary}.");
        output.WriteLine();
        output.WriteLine("This document records the safety measures the configuration puts in force, as the pre-production checklist of " +
            "\"OpenAI API Safety: Production Best Practices\" asks (\"Document all safety measures for compliance\"). " +
            "Each measure names the configuration key that controls it and the guide it comes from.");

        foreach (var (group, heading) in Sections)
        {
            output.WriteLine();
            output.WriteLine($"## {heading}");
            output.WriteLine();
            var inForce = result.Items.Where(i => i.Group == group && i.Status == CheckStatus.Pass).ToList();
            if (inForce.Count == 0)
            {
                output.WriteLine("None in force: see the open items.");
                continue;
            }

            foreach (var item in inForce)
            {
                output.WriteLine($"- **{Inline(item.Title)}**: {Inline(item.Detail)} (`{item.Key}`; source: {Inline(item.Source)})");
            }
        }

        WriteRedTeam(result, output);
        WriteOpenItems(result, output);
    }

    private static void WriteRedTeam(CheckResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("## Red-team result");
        output.WriteLine();
        var item = result.Items.FirstOrDefault(i => i.Id == RedTeamEvidence.Id);
        if (item is not null)
        {
            output.WriteLine($"{CheckJsonReport.StatusName(item.Status).ToUpperInvariant()}: {Inline(item.Detail)} (`{item.Key}`; source: {Inline(item.Source)})");
        }

        if (result.RedTeamReport is not { } report)
        {
            return;
        }

        var run = report.Run;
        output.WriteLine();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Suite {Inline(run.Suite)}, seed {run.Seed}, model {Inline(run.Model)}, {Inline(run.Endpoint)}, finished {run.FinishedUtc.UtcDateTime:yyyy-MM-dd HH:mm} UTC; " +
            $"{report.TotalAttacks} attacks, attack success rate {RedTeamEvidence.Percent(report.AttackSuccessRate)}; " +
            $"{report.BenignPrompts} benign prompts, {RedTeamEvidence.Percent(report.BenignBlockRate)} blocked."));
        output.WriteLine();
        output.WriteLine("| Category | Attacks | Succeeded | Attack success rate | 95 % CI |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (category, c) in report.Categories.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {Cell(category)} | {c.Attacks} | {c.Succeeded} | {RedTeamEvidence.Percent(c.AttackSuccessRate)} | {RedTeamEvidence.Percent(c.CiLow)} – {RedTeamEvidence.Percent(c.CiHigh)} |"));
        }
    }

    private static void WriteOpenItems(CheckResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("## Open items");
        output.WriteLine();
        var open = result.Items.Where(i => i.Status != CheckStatus.Pass).OrderByDescending(i => i.Status).ToList();
        if (open.Count == 0)
        {
            output.WriteLine("None: every item of the checklist passes.");
            return;
        }

        output.WriteLine("| Status | Item | Key to change | What to do | Source |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var item in open)
        {
            output.WriteLine($"| {CheckJsonReport.StatusName(item.Status)} | {Cell(item.Title)} (`{item.Id}`) | `{item.Key}` | {Cell(item.Detail)} | {Cell(item.Source)} |");
        }
    }

    /// <summary>Text in a list item: line breaks become spaces so that one item stays one line.</summary>
    private static string Inline(string text) => text.ReplaceLineEndings(" ");

    /// <summary>A table cell: a pipe would end the cell and a line break the row; both are neutralised.</summary>
    private static string Cell(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' or '\n' => builder.Append(' '),
                '|' => builder.Append("\\|"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
