namespace SafeOpenAI.Tests.Keywords;

public class KeywordMatcherTests
{
    private static string[] Terms(string text, params string[] terms) =>
        [.. new KeywordMatcher(terms, "options.Keywords").Find(KeywordMatcher.Prepare(text)).Select(m => m.Term)];

    [TestCase("We compare Acme with others.")]
    [TestCase("ACME is big")]
    [TestCase("acme.")]
    [TestCase("(Acme)")]
    [TestCase("Acme's pricing")]
    [TestCase("Ａｃｍｅ full-width")]
    [TestCase("Ac\u200Bme with a zero-width space")]
    [TestCase("\u0410cme with a Cyrillic A")]
    [TestCase("4cme in leetspeak")]
    [TestCase("@cme in leetspeak")]
    [TestCase("the name QWNtZSBpcyBncmVhdA== in base64")]
    public void A_term_is_found_however_it_is_written(string text) =>
        Assert.That(Terms(text, "Acme"), Is.EqualTo(new[] { "Acme" }));

    [TestCase("acmes are plural")]
    [TestCase("preacme is a prefix")]
    [TestCase("acme_corp is one identifier")]
    [TestCase("a c m e spaced out")]
    [TestCase("nothing here")]
    public void Only_whole_words_match(string text) => Assert.That(Terms(text, "acme"), Is.Empty);

    [TestCase("Try Acme Cloud today", true)]
    [TestCase("Try ACME   cloud today", true)]
    [TestCase("Try Acme\ncloud today", true)]
    [TestCase("Try Acme-Cloud today", false)]
    [TestCase("Try AcmeCloud today", false)]
    [TestCase("Try Acme Clouds today", false)]
    public void Multi_word_terms_match_across_white_space(string text, bool found) =>
        Assert.That(Terms(text, "Acme Cloud"), found ? Is.EqualTo(new[] { "Acme Cloud" }) : Is.Empty);

    [TestCase("我们比较了竞争对手的产品", "竞争对手")]
    [TestCase("このサービスはライバル社より速い", "ライバル社")]
    [TestCase("경쟁사제품이좋다", "경쟁사")]
    [TestCase("ใช้บริการคู่แข่งดีกว่า", "คู่แข่ง")]
    [TestCase("我们用Acme的产品", "Acme")]
    public void Terms_in_scripts_without_spaces_match_as_substrings(string text, string term) =>
        Assert.That(Terms(text, term), Is.EqualTo(new[] { term }));

    [Test]
    public void A_term_with_digits_matches_itself()
    {
        Assert.That(Terms("we run gpt4 and 3com gear", "gpt4", "3com"), Is.EquivalentTo(new[] { "gpt4", "3com" }));
    }

    [Test]
    public void Overlapping_and_nested_terms_are_all_found()
    {
        Assert.That(Terms("acme cloud platform", "acme", "acme cloud", "cloud platform", "cloud"), Is.EquivalentTo(new[] { "acme", "acme cloud", "cloud", "cloud platform" }));
    }

    [Test]
    public void A_term_that_is_a_suffix_of_another_is_found_through_the_failure_links()
    {
        Assert.That(Terms("ushers", "he", "she", "his", "hers"), Is.Empty, "whole words only: none of them is a word of 'ushers'");
        Assert.That(Terms("she said hers", "he", "she", "his", "hers"), Is.EquivalentTo(new[] { "she", "hers" }));
    }

    [Test]
    public void Thousands_of_terms_are_matched_in_one_pass()
    {
        var terms = Enumerable.Range(0, 5_000).Select(i => $"brand{i:D4}").Append("Zenith Works").ToArray();
        var matcher = new KeywordMatcher(terms, "options.Keywords");
        var text = string.Concat(Enumerable.Repeat("Ordinary words about products and brands. ", 250)) + "Then BRAND4321 and zenith works appear.";

        var found = matcher.Find(KeywordMatcher.Prepare(text)).Select(m => m.Term);

        Assert.That(found, Is.EquivalentTo(new[] { "brand4321", "Zenith Works" }));
    }

    [Test]
    public void The_first_matches_only_are_returned_when_asked()
    {
        var matcher = new KeywordMatcher(["acme"], "options.Keywords");

        Assert.That(matcher.Find(KeywordMatcher.Prepare(string.Concat(Enumerable.Repeat("acme ", 500))), 100), Has.Count.EqualTo(100));
    }

    [Test]
    public void No_terms_or_a_blank_term_is_refused()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new KeywordMatcher([], "options.Keywords"))!.ParamName, Is.EqualTo("options.Keywords"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new KeywordMatcher(["ok", " "], "options.Keywords"))!.ParamName, Is.EqualTo("options.Keywords"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new KeywordMatcher(["\u200B"], "options.Keywords"))!.Message, Does.Contain("invisible"));
    }
}
