using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class TableRedTeamReportWriterTests
{
    // The control sequence introducer; compared ordinally, as culture-aware comparison ignores control characters.
    private const string Escape = "\u001b[";

    private static string Write(RedTeamReport report)
    {
        using var output = new StringWriter();
        new TableRedTeamReportWriter(ansi: false, width: 120).Write(report, output);
        return output.ToString();
    }

    // A table row of the rounded border: "│ cell │ cell │".
    private static string[][] Rows(string text) =>
        [.. text.Split('\n')
            .Where(l => l.TrimStart().StartsWith('│'))
            .Select(l => l.Trim().Trim('│').Split('│').Select(c => c.Trim()).ToArray())];

    [Test]
    public void The_category_table_has_a_row_per_category_and_a_total()
    {
        var rows = Rows(Write(RedTeamReportSamples.Create()));
        Assert.That(rows.Take(5), Is.EqualTo(new[]
        {
            new[] { "Category", "Attacks", "Succeeded", "ASR", "95 % CI" },
            new[] { "direct_injection", "4", "1", "25.0 %", "4.6–69.9 %" },
            new[] { "obfuscation", "2", "2", "100.0 %", "34.2–100.0 %" },
            new[] { "pii_exfiltration", "3", "0", "0.0 %", "0.0–56.1 %" },
            new[] { "all", "9", "3", "33.3 %", "12.1–64.6 %" },
        }));
    }

    [Test]
    public void Plain_output_has_no_escape_codes_and_prints_markup_characters_as_written()
    {
        var text = Write(RedTeamReportSamples.Create());
        var rows = Rows(text);
        Assert.Multiple(() =>
        {
            Assert.That(text.Contains(Escape, StringComparison.Ordinal), Is.False);
            Assert.That(text, Does.Contain("Benign block rate: 25.0 % (1 of 4 blocked; 95 % CI 4.6–69.9 %)"));
            Assert.That(rows.Select(r => r[0]), Does.Contain(RedTeamReportSamples.HostileId));
            Assert.That(rows.Single(r => r[0] == "di-002"), Is.EqualTo(new[] { "di-002", "direct_injection", "none", "canary leaked" }));
        });
    }

    [Test]
    public void Ansi_output_colours_the_failing_rates() =>
        Assert.That(WriteAnsi().Contains(Escape, StringComparison.Ordinal), Is.True);

    private static string WriteAnsi()
    {
        using var output = new StringWriter();
        new TableRedTeamReportWriter(ansi: true).Write(RedTeamReportSamples.Create(), output);
        return output.ToString();
    }
}
