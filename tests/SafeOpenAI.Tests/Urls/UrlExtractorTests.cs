namespace SafeOpenAI.Tests.Urls;

public class UrlExtractorTests
{
    private static string[] Urls(string text) => [.. UrlExtractor.Extract(text).Select(u => text[u.Start..u.End])];

    [TestCase("see https://example.com/docs for more", "https://example.com/docs")]
    [TestCase("HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM")]
    [TestCase("go to https://example.com.", "https://example.com")]
    [TestCase("go to https://example.com/a/b.", "https://example.com/a/b")]
    [TestCase("is it https://example.com/?q=1&r=2?", "https://example.com/?q=1&r=2")]
    [TestCase("(see https://example.com/page)", "https://example.com/page")]
    [TestCase("https://en.wikipedia.org/wiki/Foo_(bar) is a page", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [TestCase("(https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [TestCase("[docs](https://example.com/docs)", "https://example.com/docs")]
    [TestCase("<https://example.com/x>", "https://example.com/x")]
    [TestCase("\"https://example.com/q\"", "https://example.com/q")]
    [TestCase("url: https://example.com:8443/path#frag, next", "https://example.com:8443/path#frag")]
    [TestCase("https://example.com/a%20b%2Fc", "https://example.com/a%20b%2Fc")]
    [TestCase("https://例え.jp/パス", "https://例え.jp/パス")]
    [TestCase("ftp://files.example.com/x", "ftp://files.example.com/x")]
    [TestCase("s3://bucket/key", "s3://bucket/key")]
    [TestCase("visit www.example.com today", "www.example.com")]
    [TestCase("visit www.example.com/path?x=1.", "www.example.com/path?x=1")]
    [TestCase("visit example.com today", "example.com")]
    [TestCase("visit example.com.", "example.com")]
    [TestCase("visit docs.example.co.uk/guide now", "docs.example.co.uk/guide")]
    [TestCase("visit example.com: it is fine", "example.com")]
    [TestCase("javascript:alert(1)", "javascript:alert(1)")]
    [TestCase("click JavaScript:void(0) here", "JavaScript:void(0)")]
    [TestCase("data:text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,PHNjcmlwdD4=")]
    [TestCase("open file:///etc/passwd now", "file:///etc/passwd")]
    [TestCase("http://192.168.0.1/admin", "http://192.168.0.1/admin")]
    [TestCase("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x")]
    [TestCase("https://user:pass@example.com/x", "https://user:pass@example.com/x")]
    [TestCase("https://example.com/日本語", "https://example.com/日本語")]
    public void One_url_is_found_with_its_bounds(string text, string expected) =>
        Assert.That(Urls(text), Is.EqualTo(new[] { expected }));

    [TestCase("write to jane.doe@example.com please")]
    [TestCase("the data: 42 rows")]
    [TestCase("File: notes.txt")]
    [TestCase("see README.md and setup.py and app.js")]
    [TestCase("ASP.NET and Node.js are frameworks")]
    [TestCase("version 1.2.3 and pi is 3.14")]
    [TestCase("e.g. this, i.e. that")]
    [TestCase("C://Windows is a drive")]
    [TestCase("just words, no links at all")]
    [TestCase("")]
    public void Text_without_urls_yields_none(string text) => Assert.That(Urls(text), Is.Empty);

    [Test]
    public void Several_urls_are_found_in_order()
    {
        Assert.That(
            Urls("First https://a.example.com/x, then www.b.example.org and c.example.net; javascript:alert(1)."),
            Is.EqualTo(new[] { "https://a.example.com/x", "www.b.example.org", "c.example.net", "javascript:alert(1)" }));
    }

    [Test]
    public void Parts_are_read_from_the_authority()
    {
        var url = UrlExtractor.Extract("https://admin:s3cret@Example.COM:8080/a/b?c=d#e").Single();

        Assert.Multiple(() =>
        {
            Assert.That(url.Scheme, Is.EqualTo("https"));
            Assert.That(url.HasUserInfo, Is.True);
            Assert.That(url.Host, Is.EqualTo("Example.COM"));
            Assert.That(url.Path, Is.EqualTo("/a/b"));
        });
    }

    [Test]
    public void An_at_sign_before_the_host_is_userinfo_so_the_host_is_what_follows_it()
    {
        var url = UrlExtractor.Extract("https://good.example.com@evil.example.net/login").Single();

        Assert.That((url.HasUserInfo, url.Host), Is.EqualTo((true, "evil.example.net")));
    }

    [Test]
    public void A_backslash_ends_the_authority_as_browsers_read_it()
    {
        var url = UrlExtractor.Extract(@"https://evil.example.net\@good.example.com/").Single();

        Assert.That((url.HasUserInfo, url.Host), Is.EqualTo((false, "evil.example.net")));
    }

    [Test]
    public void An_ipv6_literal_keeps_its_address_without_brackets()
    {
        var url = UrlExtractor.Extract("http://[::1]/").Single();

        Assert.That((url.IsBracketedHost, url.Host), Is.EqualTo((true, "::1")));
    }

    [Test]
    public void Scheme_less_urls_have_no_scheme()
    {
        Assert.That(UrlExtractor.Extract("www.example.com and example.org").Select(u => u.Scheme), Is.EqualTo(new string?[] { null, null }));
    }

    [Test]
    public void A_url_is_cut_at_the_maximum_length()
    {
        var text = "https://example.com/" + new string('a', 10_000);

        var url = UrlExtractor.Extract(text)[0];

        Assert.That(url.Length, Is.EqualTo(UrlExtractor.MaxUrlLength));
    }

    [Test]
    public void Pathological_input_is_read_in_one_pass()
    {
        // Long runs that a backtracking pattern would revisit: closing brackets, dots, colons, at signs, scheme-like words.
        var text = string.Concat(Enumerable.Repeat("https://example.com/" + new string(')', 2_000) + " ", 50)) + string.Concat(Enumerable.Repeat("a.", 50_000)) + string.Concat(Enumerable.Repeat("http:", 20_000)) + new string('@', 50_000) + string.Concat(Enumerable.Repeat("www.", 20_000));

        var urls = UrlExtractor.Extract(text);

        Assert.That(urls.All(u => u.Length <= UrlExtractor.MaxUrlLength), Is.True);
    }
}
