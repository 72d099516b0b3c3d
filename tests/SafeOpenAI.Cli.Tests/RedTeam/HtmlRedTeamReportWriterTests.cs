using System.Xml;
using System.Xml.Linq;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class HtmlRedTeamReportWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Write(RedTeamReport report)
    {
        using var output = new StringWriter();
        new HtmlRedTeamReportWriter().Write(report, output);
        return output.ToString();
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static IEnumerable<XElement> Rows(XDocument doc, string tableId) =>
        doc.Descendants("table").Single(t => (string?)t.Attribute("id") == tableId).Element("tbody")!.Elements("tr");

    private static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void The_asr_chart_has_one_bar_per_category_sized_by_the_rate_with_ci_whiskers()
    {
        var report = RedTeamReportSamples.Create();
        var doc = Parse(Write(report));
        var chart = doc.Descendants(Svg + "svg").Single(s => (string?)s.Attribute("id") == "asr-chart");
        var groups = chart.Elements(Svg + "g").ToList();
        var bars = groups.Select(g => g.Element(Svg + "rect")!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(bars.Select(b => (string?)b.Attribute("class")), Is.All.EqualTo("bar"));
            Assert.That(groups.Select(g => (string?)g.Attribute("data-label")), Is.EqualTo(report.Categories.Select(c => c.Name)));
            Assert.That(bars.Select(b => Number(b, "width")), Is.EqualTo(new[] { 100.0, 400.0, 0.0 }));
            Assert.That(groups.Select(g => g.Elements(Svg + "line").Count(l => (string?)l.Attribute("class") == "ci")), Is.All.EqualTo(3));
        });

        // The whisker of direct_injection spans its Wilson interval, 4.6 % to 69.9 % of the 400-pixel scale.
        var whisker = groups[0].Elements(Svg + "line").First();
        Assert.Multiple(() =>
        {
            Assert.That(Number(whisker, "x1") - 200, Is.EqualTo(0.0456 * 400).Within(0.1));
            Assert.That(Number(whisker, "x2") - 200, Is.EqualTo(0.6994 * 400).Within(0.1));
        });
    }

    [Test]
    public void The_benign_chart_has_one_bar_for_the_block_rate()
    {
        var doc = Parse(Write(RedTeamReportSamples.Create()));
        var chart = doc.Descendants(Svg + "svg").Single(s => (string?)s.Attribute("id") == "benign-chart");
        var bar = chart.Descendants(Svg + "rect").Single();
        Assert.Multiple(() =>
        {
            Assert.That(bar.Attribute("class")!.Value, Is.EqualTo("bar benign"));
            Assert.That(Number(bar, "width"), Is.EqualTo(100.0));
        });
    }

    [Test]
    public void The_tables_have_a_row_per_category_attack_and_benign_prompt()
    {
        var report = RedTeamReportSamples.Create();
        var doc = Parse(Write(report));
        var attackRows = Rows(doc, "attacks").Select(r => r.Elements("td").Select(td => td.Value).ToArray()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Rows(doc, "categories").Select(r => r.Elements("td").First().Value), Is.EqualTo(report.Categories.Select(c => c.Name)));
            Assert.That(attackRows.Select(r => r[0]), Is.EqualTo(report.Attacks.Select(a => a.Id)));
            Assert.That(attackRows[1], Is.EqualTo(new[] { "di-002", "direct_injection", "none", "yes", "yes", "canary leaked" }));
            Assert.That(Rows(doc, "attacks").Count(r => (string?)r.Attribute("class") == "fail"), Is.EqualTo(3));
            Assert.That(Rows(doc, "benign").Select(r => r.Elements("td").Select(td => td.Value).ToArray()).ElementAt(1),
                Is.EqualTo(new[] { "benign-002", "yes", "PromptInjection:injection.detected" }));
        });
    }

    [Test]
    public void Every_string_is_encoded_and_nothing_loads_from_the_network()
    {
        var html = Write(RedTeamReportSamples.Create());
        var doc = Parse(html);
        var hostileRow = Rows(doc, "attacks").Single(r => r.Elements("td").First().Value == RedTeamReportSamples.HostileId);
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Contain("<b>"));
            Assert.That(html, Does.Contain("obf-&lt;b&gt;&amp;"));
            Assert.That(hostileRow.Elements("td").Last().Value, Is.EqualTo("canary <leaked> & \"quoted\""));
            Assert.That(doc.Descendants().Where(e => e.Name.LocalName is "script" or "link" or "img" or "iframe"), Is.Empty);
            Assert.That(html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal),
                Does.Not.Contain("http:").And.Not.Contain("https:").And.Not.Contain("@import").And.Not.Contain("url("),
                "only the SVG namespace name may look like an address");
        });
    }
}
