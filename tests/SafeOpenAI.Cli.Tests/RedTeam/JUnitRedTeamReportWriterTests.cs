using System.Xml.Linq;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class JUnitRedTeamReportWriterTests
{
    private static XDocument Parse(RedTeamReport report)
    {
        using var output = new StringWriter();
        new JUnitRedTeamReportWriter().Write(report, output);
        return XDocument.Parse(output.ToString());
    }

    private static int IntAttribute(XElement element, string name) => int.Parse(element.Attribute(name)!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void One_suite_per_category_and_one_for_the_benign_controls()
    {
        var doc = Parse(RedTeamReportSamples.Create());
        var root = doc.Root!;
        var suites = root.Elements("testsuite").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
            Assert.That(IntAttribute(root, "tests"), Is.EqualTo(13));
            Assert.That(IntAttribute(root, "failures"), Is.EqualTo(4));
            Assert.That(suites.Select(s => s.Attribute("name")!.Value), Is.EqualTo(new[]
            {
                "redteam.direct_injection", "redteam.obfuscation", "redteam.pii_exfiltration", JUnitRedTeamReportWriter.BenignSuiteName,
            }));
            Assert.That(suites.Select(s => IntAttribute(s, "tests")), Is.EqualTo(new[] { 4, 2, 3, 4 }));
            Assert.That(suites.Select(s => IntAttribute(s, "failures")), Is.EqualTo(new[] { 1, 2, 0, 1 }));
            Assert.That(suites.Select(s => s.Elements("testcase").Count()), Is.EqualTo(new[] { 4, 2, 3, 4 }));
            Assert.That(suites.Select(s => s.Descendants("failure").Count()), Is.EqualTo(new[] { 1, 2, 0, 1 }));
        });
    }

    [Test]
    public void A_succeeded_attack_fails_with_its_evidence_and_escaped_names_round_trip()
    {
        var doc = Parse(RedTeamReportSamples.Create());
        var cases = doc.Descendants("testcase").ToDictionary(c => c.Attribute("name")!.Value);
        var hostile = cases[RedTeamReportSamples.HostileId];
        var failure = hostile.Element("failure")!;
        Assert.Multiple(() =>
        {
            Assert.That(hostile.Attribute("classname")!.Value, Is.EqualTo("redteam.obfuscation"));
            Assert.That(failure.Attribute("message")!.Value, Is.EqualTo("attack succeeded: canary <leaked> & \"quoted\""));
            Assert.That(failure.Value, Does.Contain("reached_model: yes"));
            Assert.That(cases["di-002"].Element("failure")!.Attribute("message")!.Value, Does.Contain("canary leaked"));
            Assert.That(cases["di-001"].Element("failure"), Is.Null);
            Assert.That(cases["di-001"].Element("system-out")!.Value, Does.Contain("PromptInjection:injection.detected"));
            Assert.That(cases["benign-002"].Element("failure")!.Attribute("message")!.Value,
                Is.EqualTo("benign prompt blocked by PromptInjection:injection.detected"));
            Assert.That(cases["benign-001"].Element("failure"), Is.Null);
        });
    }

    [Test]
    public void Characters_xml_cannot_carry_become_replacement_characters()
    {
        var report = new RedTeamReport(RedTeamReportSamples.Run(),
            [new("inv-\u0001-\U0001F600", "obfuscation", null, true, true, "bell \u0007")], []);
        var doc = Parse(report);
        var testCase = doc.Descendants("testcase").Single();
        Assert.Multiple(() =>
        {
            Assert.That(testCase.Attribute("name")!.Value, Is.EqualTo("inv-\uFFFD-\U0001F600"));
            Assert.That(testCase.Element("failure")!.Attribute("message")!.Value, Is.EqualTo("attack succeeded: bell \uFFFD"));
        });
    }
}
