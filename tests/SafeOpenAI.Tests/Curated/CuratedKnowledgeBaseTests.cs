using System.Text.Json;

namespace SafeOpenAI.Tests.Curated;

public class CuratedKnowledgeBaseTests
{
    [Test]
    public void The_article_about_the_question_ranks_first()
    {
        var matches = HelpCentre.KnowledgeBase.Search("How do I reset my password in the settings?");

        Assert.That(matches[0].Article.Id, Is.EqualTo("reset-password"));
        Assert.That(matches[0].Score, Is.GreaterThan(matches[1].Score));
    }

    [TestCase("I want my money back: can I get a refund?", "refund-policy")]
    [TestCase("How long does shipping take to Germany?", "shipping-times")]
    [TestCase("cancelling my subscriptions", "cancel-subscription")]
    [TestCase("enable 2fa with an authenticator", "two-factor")]
    [TestCase("update the email address of my account", "change-email")]
    public void Inflected_and_paraphrased_questions_find_their_article(string query, string expected)
    {
        Assert.That(HelpCentre.KnowledgeBase.Search(query)[0].Article.Id, Is.EqualTo(expected));
    }

    [Test]
    public void A_rare_term_outweighs_a_common_one()
    {
        // "settings" and "security" are in three articles, "password" in one: IDF decides.
        var matches = HelpCentre.KnowledgeBase.Search("password settings");

        Assert.That(matches[0].Article.Id, Is.EqualTo("reset-password"));
        Assert.That(matches.Select(m => m.Article.Id), Does.Contain("two-factor").And.Contain("change-email"));
    }

    [Test]
    public void Scores_follow_the_BM25_formula()
    {
        // Two one-term articles and one of two terms: N = 3, "alpha" in 2 articles, avgdl = (2·1+1 + 2·1+1 + 2·1+2)/3.
        var kb = new CuratedKnowledgeBase([new("a", "alpha", "alpha"), new("b", "beta", "alpha"), new("c", "gamma", "alpha gamma")]);
        var lengths = new[] { 3.0, 3.0, 4.0 };
        var avgdl = lengths.Average();
        var idf = Math.Log(1 + ((3 - 3 + 0.5) / (3 + 0.5)));

        var matches = kb.Search("alpha");

        // Article a: f = 2 (title) + 1 (body) = 3, |D| = 3.
        var expectedA = idf * 3 * (1.2 + 1) / (3 + (1.2 * (1 - 0.75 + (0.75 * 3 / avgdl))));
        Assert.That(matches[0].Article.Id, Is.EqualTo("a"));
        Assert.That(matches[0].Score, Is.EqualTo(expectedA).Within(1e-9));
        Assert.That(kb.AverageLength, Is.EqualTo(avgdl).Within(1e-9));
    }

    [Test]
    public void Longer_articles_are_normalised_by_b()
    {
        var articles = new CuratedArticle[]
        {
            new("short", "Topic", "invoice"),
            new("long", "Topic", "invoice " + string.Join(' ', Enumerable.Range(0, 40).Select(i => "filler" + i))),
        };

        var normalised = new CuratedKnowledgeBase(articles, b: 0.75).Search("invoice");
        var flat = new CuratedKnowledgeBase(articles, b: 0).Search("invoice");

        Assert.That(normalised[0].Article.Id, Is.EqualTo("short"));
        Assert.That(normalised[0].Score, Is.GreaterThan(normalised[1].Score));
        Assert.That(flat[0].Score, Is.EqualTo(flat[1].Score).Within(1e-12), "with b = 0 length does not matter");
    }

    [Test]
    public void Confidence_is_coverage_times_the_margin_term()
    {
        var matches = HelpCentre.KnowledgeBase.Search("reset password settings");

        var best = matches[0];
        Assert.Multiple(() =>
        {
            Assert.That(best.Coverage, Is.EqualTo(1.0).Within(1e-12), "every term is in the article");
            Assert.That(best.Margin, Is.EqualTo(1 - (matches[1].Score / best.Score)).Within(1e-12));
            Assert.That(best.Confidence, Is.EqualTo(best.Coverage * (0.5 + (0.5 * best.Margin))).Within(1e-12));
            Assert.That(matches[1].Margin, Is.Zero, "only the first match stands above the others");
        });
    }

    [Test]
    public void Terms_no_article_contains_lower_the_coverage()
    {
        var covered = HelpCentre.KnowledgeBase.Search("refund")[0];
        var partly = HelpCentre.KnowledgeBase.Search("refund cryptocurrency wallet")[0];

        Assert.That(covered.Coverage, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(partly.Article.Id, Is.EqualTo("refund-policy"));
        var refundIdf = Math.Log(1 + ((6 - 1 + 0.5) / (1 + 0.5)));
        var unknownIdf = Math.Log(1 + ((6 - 0 + 0.5) / (0 + 0.5)));
        Assert.That(partly.Coverage, Is.EqualTo(refundIdf / (refundIdf + (2 * unknownIdf))).Within(1e-12), "two unknown terms weigh the largest IDF each");
        Assert.That(partly.Confidence, Is.LessThan(0.4));
    }

    [Test]
    public void Two_equal_articles_are_a_tie_of_confidence_one_half()
    {
        var kb = new CuratedKnowledgeBase([new("a", "Parking", "Parking is free."), new("b", "Parking", "Parking is free.")]);

        var matches = kb.Search("parking");

        Assert.That(matches[0].Article.Id, Is.EqualTo("a"), "ties keep the article order");
        Assert.That(matches[0].Confidence, Is.EqualTo(0.5).Within(1e-12));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("how do I do it?")]
    [TestCase("quantum chromodynamics")]
    public void Queries_without_known_terms_match_nothing(string query)
    {
        Assert.That(HelpCentre.KnowledgeBase.Search(query), Is.Empty);
    }

    [Test]
    public void Top_limits_the_matches()
    {
        Assert.That(HelpCentre.KnowledgeBase.Search("settings security profile", top: 2), Has.Count.EqualTo(2));
    }

    [TestCase("billing", "bill")]
    [TestCase("bills", "bill")]
    [TestCase("cancelled", "cancel")]
    [TestCase("cancel", "cancel")]
    [TestCase("charges", "charged")]
    [TestCase("policies", "policy")]
    [TestCase("addresses", "address")]
    [TestCase("shipped", "shipping")]
    public void The_stemmer_makes_inflections_meet(string one, string other)
    {
        Assert.That(CuratedTextAnalyzer.Stem(one), Is.EqualTo(CuratedTextAnalyzer.Stem(other)));
    }

    [Test]
    public void The_analyzer_normalises_drops_stop_words_and_single_letters()
    {
        // Full-width letters and a zero-width space are folded by the text normaliser.
        Assert.That(CuratedTextAnalyzer.Terms("How do I ＲＥＳＥＴ my pass\u200Bword, a 2FA?"), Is.EqualTo(new[] { "reset", "password", "2fa" }));
    }

    [Test]
    public void A_knowledge_base_loads_from_json()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "articles": [ { "id": "x", "title": "Opening hours", "body": "We are open 9 to 5." } ] }""");
        try
        {
            var kb = CuratedKnowledgeBase.LoadJson(path);

            Assert.That(kb.Articles.Single().Body, Is.EqualTo("We are open 9 to 5."));
            Assert.That(kb.Search("opening hours")[0].Article.Id, Is.EqualTo("x"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Invalid_knowledge_bases_are_refused()
    {
        Assert.Throws<JsonException>(() => CuratedKnowledgeBase.FromJson("""[ { "id": "x", "title": "t" } ]"""));
        Assert.Throws<JsonException>(() => CuratedKnowledgeBase.FromJson("""{ "id": "x" }"""));
        Assert.Throws<ArgumentException>(() => CuratedKnowledgeBase.FromJson("""[ { "id": "x", "title": "t", "body": "b" }, { "id": "x", "title": "u", "body": "c" } ]"""));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CuratedKnowledgeBase([], k1: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CuratedKnowledgeBase([], b: 1.5));
    }

    [Test]
    public void Concurrent_searches_agree()
    {
        var expected = HelpCentre.KnowledgeBase.Search("refund to my card").Select(m => m.ToString()).ToArray();

        var results = new string[64][];
        Parallel.For(0, results.Length, i => results[i] = HelpCentre.KnowledgeBase.Search("refund to my card").Select(m => m.ToString()).ToArray());

        Assert.That(results, Has.All.EqualTo(expected));
    }
}
