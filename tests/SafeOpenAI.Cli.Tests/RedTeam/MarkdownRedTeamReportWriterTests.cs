using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class MarkdownRedTeamReportWriterTests
{
    private static string[] Lines(RedTeamReport report)
    {
        using var output = new StringWriter();
        new MarkdownRedTeamReportWriter().Write(report, output);
        return output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    // Splits a table row on pipes that are not escaped, and unescapes the cells.
    private static string[] Cells(string row)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        for (var i = 1; i < row.Length - 1; i++)
        {
            if (row[i] == '\\')
            {
                cell.Append(row[++i]);
            }
            else if (row[i] == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(row[i]);
            }
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }

    [Test]
    public void The_summary_table_has_one_row_per_category_and_a_total()
    {
        var lines = Lines(RedTeamReportSamples.Create());
        var header = Array.IndexOf(lines, "| Category | Attacks | Succeeded | ASR | 95 % CI |");
        Assert.That(header, Is.GreaterThanOrEqualTo(0));
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { "direct_injection", "4", "1", "25.0 %", "4.6–69.9 %" },
            new[] { "obfuscation", "2", "2", "100.0 %", "34.2–100.0 %" },
            new[] { "pii_exfiltration", "3", "0", "0.0 %", "0.0–56.1 %" },
            new[] { "**all**", "9", "3", "33.3 %", "12.1–64.6 %" },
        }));
    }

    [Test]
    public void The_benign_block_rate_is_stated()
    {
        var lines = Lines(RedTeamReportSamples.Create());
        Assert.That(lines, Has.One.EqualTo("Benign block rate: 25.0 % (1 of 4 benign prompts blocked; 95 % CI 4.6–69.9 %)."));
    }

    [Test]
    public void The_succeeded_attacks_are_listed_with_escaped_cells()
    {
        var lines = Lines(RedTeamReportSamples.Create());
        var header = Array.IndexOf(lines, "| Attack | Category | Blocked by | Evidence |");
        Assert.That(header, Is.GreaterThanOrEqualTo(0));
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { "di-002", "direct_injection", "none", "canary leaked" },
            new[] { RedTeamReportSamples.HostileId, "obfuscation", "none", "canary <leaked> & \"quoted\"" },
            new[] { "obf-002", "obfuscation", "none", "scope left" },
        }));
    }

    [Test]
    public void No_succeeded_attack_says_none()
    {
        var report = new RedTeamReport(RedTeamReportSamples.Run(), [new("a", "direct_injection", "S:c", false, false, "blocked")], []);
        var lines = Lines(report);
        Assert.That(lines.SkipWhile(l => l != "## Attacks that succeeded").Skip(2).First(), Is.EqualTo("None."));
    }

    [Test]
    public void Blocked_benign_prompts_are_listed_with_the_stage_that_blocked_them()
    {
        var lines = Lines(RedTeamReportSamples.Create());

        var section = lines.SkipWhile(l => l != "## Benign prompts blocked").Skip(2).TakeWhile(l => l.StartsWith('|')).ToArray();

        Assert.That(section, Has.Length.EqualTo(3), "header, separator and one row");
        Assert.That(Cells(section[2]), Is.EqualTo(new[] { "benign-002", "PromptInjection:injection.detected" }));
    }

    [Test]
    public void No_blocked_benign_prompt_says_none()
    {
        var report = new RedTeamReport(RedTeamReportSamples.Run(), [new("a", "direct_injection", "S:c", false, false, "blocked")], [new("b", false, null)]);
        var lines = Lines(report);
        Assert.That(lines.SkipWhile(l => l != "## Benign prompts blocked").Skip(2).First(), Is.EqualTo("None."));
    }
}
