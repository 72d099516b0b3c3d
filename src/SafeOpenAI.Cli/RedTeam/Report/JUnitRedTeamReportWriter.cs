using System.Globalization;
using System.Text;
using System.Xml;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Writes a report as JUnit XML so CI shows each attack as a test: one <c>&lt;testsuite&gt;</c> per
/// category (named <c>redteam.&lt;category&gt;</c>), one <c>&lt;testcase&gt;</c> per attack with a
/// <c>&lt;failure&gt;</c> carrying the evidence when the attack succeeded, and the benign control
/// prompts as the suite <c>redteam.benign_controls</c>, failing where a prompt was blocked.
/// </summary>
/// <remarks>
/// The elements and attributes are the common subset read by the GitHub Actions JUnit reporters and
/// Azure Pipelines' PublishTestResults (format JUnit): <c>testsuites</c>/<c>testsuite</c> with
/// <c>name</c>, <c>tests</c>, <c>failures</c>, <c>errors</c>, <c>skipped</c>, <c>time</c>;
/// <c>testcase</c> with <c>name</c>, <c>classname</c>, <c>time</c>. No XML declaration is written
/// (the document is UTF-8 by default), so the text can go to any writer. Characters XML 1.0 cannot
/// carry are written as U+FFFD. Stateless; thread-safe.
/// </remarks>
internal sealed class JUnitRedTeamReportWriter : IRedTeamReportWriter
{
    /// <summary>The name of the suite holding the benign control prompts.</summary>
    public const string BenignSuiteName = "redteam.benign_controls";

    /// <inheritdoc />
    public void Write(RedTeamReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, CloseOutput = false };
        using (var xml = XmlWriter.Create(output, settings))
        {
            var timestamp = report.Run.StartedUtc.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", $"safeopenai redteam {Clean(report.Run.SuiteName)}");
            xml.WriteAttributeString("tests", Number(report.TotalAttacks + report.BenignPrompts));
            xml.WriteAttributeString("failures", Number(report.SucceededAttacks + report.BenignBlocked));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("time", Number(report.Run.DurationSeconds));

            foreach (var category in report.Categories)
            {
                var suite = "redteam." + category.Name;
                StartSuite(xml, suite, category.Attacks, category.Succeeded, timestamp);
                foreach (var attack in report.Attacks.Where(a => a.Category == category.Name))
                {
                    StartCase(xml, attack.Id, suite);
                    if (attack.Succeeded)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", Clean($"attack succeeded: {attack.Evidence}"));
                        xml.WriteAttributeString("type", "AttackSucceeded");
                        xml.WriteString(Clean(Outcome(attack)));
                        xml.WriteEndElement();
                    }
                    else
                    {
                        xml.WriteElementString("system-out", Clean(Outcome(attack)));
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            StartSuite(xml, BenignSuiteName, report.BenignPrompts, report.BenignBlocked, timestamp);
            foreach (var prompt in report.Benign)
            {
                StartCase(xml, prompt.Id, BenignSuiteName);
                if (prompt.Blocked)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", Clean($"benign prompt blocked by {prompt.BlockedBy}"));
                    xml.WriteAttributeString("type", "OverBlocking");
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        output.WriteLine();
    }

    private static void StartSuite(XmlWriter xml, string name, int tests, int failures, string timestamp)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", Clean(name));
        xml.WriteAttributeString("tests", Number(tests));
        xml.WriteAttributeString("failures", Number(failures));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", "0");
        xml.WriteAttributeString("time", "0");
        xml.WriteAttributeString("timestamp", timestamp);
    }

    private static void StartCase(XmlWriter xml, string name, string suite)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", Clean(name));
        xml.WriteAttributeString("classname", Clean(suite));
        xml.WriteAttributeString("time", "0");
    }

    private static string Outcome(AttackResult attack) =>
        $"blocked_by: {attack.BlockedBy ?? "none"}; reached_model: {(attack.ReachedModel ? "yes" : "no")}; evidence: {attack.Evidence}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    // XmlWriter refuses control characters XML 1.0 cannot carry; an id or evidence holding one must not
    // lose the whole report, so each such character becomes U+FFFD, visibly.
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }

        return builder.ToString();
    }
}
