namespace SafeOpenAI.Tests.Urls;

public class UrlHostTests
{
    [TestCase("Example.COM.", "example.com")]
    [TestCase("ｅｘａｍｐｌｅ.com", "example.com")]
    [TestCase("example%2Ecom", "example.com")]
    [TestCase("example。com", "example.com")]
    [TestCase("exa\u00ADmple.com", "example.com")]
    [TestCase("bücher.de", "xn--bcher-kva.de")]
    public void Hosts_are_read_as_a_browser_reads_them(string raw, string expected) =>
        Assert.That(UrlHost.Analyze(raw, bracketed: false).Name, Is.EqualTo(expected));

    [TestCase("192.168.0.1")]
    [TestCase("3232235521")]
    [TestCase("0x7f.1")]
    [TestCase("127.1")]
    [TestCase("10.0.0.1.")]
    public void Numeric_hosts_are_ip_literals(string raw) => Assert.That(UrlHost.Analyze(raw, bracketed: false).IsIpLiteral, Is.True);

    [Test]
    public void Bracketed_hosts_are_ip_literals() => Assert.That(UrlHost.Analyze("2001:db8::1", bracketed: true).IsIpLiteral, Is.True);

    [TestCase("1.example.com")]
    [TestCase("example.com")]
    [TestCase("v1.2.example.io")]
    public void Names_with_digits_are_not_ip_literals(string raw) => Assert.That(UrlHost.Analyze(raw, bracketed: false).IsIpLiteral, Is.False);

    [TestCase("p\u0430ypal.com")]          // Cyrillic а among Latin letters
    [TestCase("xn--pypal-4ve.com")]          // the same host in punycode
    [TestCase("\u0430\u0440\u0440\u04CF\u0435.com")] // all-Cyrillic "apple": every letter looks Latin
    [TestCase("g\u03BF\u03BFgle.com")]      // Greek omicrons
    [TestCase("examp\u04CFe.com")]          // Cyrillic palochka for l
    public void Homoglyph_and_punycode_hosts_are_flagged(string raw) => Assert.That(UrlHost.Analyze(raw, bracketed: false).IsHomoglyph, Is.True);

    [TestCase("example.com")]
    [TestCase("bücher.de")]
    [TestCase("яндекс.рф")]
    [TestCase("例え.jp")]
    [TestCase("日本語とカタカナ.jp")]
    [TestCase("한국어.kr")]
    public void Single_script_and_allowed_mixes_are_not_flagged(string raw) => Assert.That(UrlHost.Analyze(raw, bracketed: false).IsHomoglyph, Is.False);
}
