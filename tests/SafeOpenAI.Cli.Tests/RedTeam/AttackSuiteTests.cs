using System.Text;
using System.Text.RegularExpressions;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public partial class AttackSuiteTests
{
    private static readonly AttackSuite BuiltIn = AttackSuite.LoadBuiltIn();

    [Test]
    public void Built_in_suite_has_300_attacks_in_the_ten_categories_with_25_each()
    {
        var counts = BuiltIn.CountsByCategory;

        Assert.Multiple(() =>
        {
            Assert.That(BuiltIn.Attacks, Has.Count.GreaterThanOrEqualTo(300));
            Assert.That(counts.Keys, Is.EquivalentTo(AttackCategory.All));
            Assert.That(counts.Values, Has.All.GreaterThanOrEqualTo(25));
            Assert.That(counts.Values.Sum(), Is.EqualTo(BuiltIn.Attacks.Count));
        });
    }

    [Test]
    public void Built_in_ids_are_unique_across_attacks_and_controls()
    {
        var ids = BuiltIn.Attacks.Select(a => a.Id).Concat(BuiltIn.Benign.Select(b => b.Id)).ToList();

        Assert.That(ids, Is.Unique);
    }

    [Test]
    public void Built_in_attack_texts_are_distinct()
    {
        var texts = BuiltIn.Attacks.Select(a => string.Join("\n", a.Turns.Concat(a.Documents))).ToList();

        Assert.That(texts, Is.Unique);
    }

    [Test]
    public void Built_in_attacks_have_the_shape_their_category_needs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BuiltIn.Attacks.Where(a => a.Category == AttackCategory.IndirectInjection).Select(a => a.Documents.Count), Has.All.GreaterThan(0));
            Assert.That(BuiltIn.Attacks.Where(a => a.Category == AttackCategory.MultiTurnEscalation).Select(a => a.Turns.Count), Has.All.GreaterThanOrEqualTo(3));
            Assert.That(BuiltIn.Attacks.Where(a => a.Category == AttackCategory.SystemPromptExtraction).Select(a => a.Signal), Has.All.EqualTo(SuccessSignal.CanaryLeaked));
            Assert.That(BuiltIn.Attacks.Where(a => a.Category == AttackCategory.PiiExfiltration).Select(a => a.Signal), Has.All.EqualTo(SuccessSignal.PiiReturned));
            Assert.That(BuiltIn.Attacks.Where(a => a.Category == AttackCategory.DenialOfWallet).Select(a => a.Signal), Has.All.EqualTo(SuccessSignal.TokensSpent));
            Assert.That(BuiltIn.Attacks.Select(a => a.Notes), Has.All.Not.Empty);
            Assert.That(BuiltIn.Attacks.SelectMany(a => a.Turns), Has.All.Not.Empty);
        });
    }

    [Test]
    public void Obfuscation_includes_base64_that_decodes_to_an_instruction()
    {
        var decoded = Obfuscations()
            .SelectMany(a => Base64Token().Matches(a.LastTurn).Select(m => TryDecodeBase64(m.Value)))
            .OfType<string>()
            .ToList();

        Assert.That(decoded, Has.Some.Contains("system prompt").IgnoreCase);
        Assert.That(decoded, Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Obfuscation_includes_zero_width_characters()
    {
        char[] invisible = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

        var withInvisible = Obfuscations().Where(a => a.LastTurn.IndexOfAny(invisible) >= 0).ToList();

        Assert.That(withInvisible, Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Obfuscation_includes_homoglyphs_inside_latin_words()
    {
        var withHomoglyphs = Obfuscations().Where(a => a.Language == "en" && LatinWordWithForeignLetter().IsMatch(a.LastTurn)).ToList();

        Assert.That(withHomoglyphs, Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Obfuscation_includes_leetspeak()
    {
        var leet = Obfuscations().Where(a => LeetWord().Count(a.LastTurn) >= 3).ToList();

        Assert.That(leet, Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void Obfuscation_includes_german_french_spanish_and_a_non_latin_script()
    {
        var obfuscations = Obfuscations().ToList();
        var nonLatin = obfuscations.Where(a => a.LastTurn.Any(c => c is >= '\u0400' and <= '\u04FF' or >= '\u0600' and <= '\u06FF' or >= '\u3040' and <= '\u9FFF')
            && !LatinWordWithForeignLetter().IsMatch(a.LastTurn));

        Assert.Multiple(() =>
        {
            Assert.That(obfuscations.Select(a => a.Language), Is.SupersetOf(new[] { "de", "fr", "es" }));
            Assert.That(nonLatin.Select(a => a.Language), Has.Some.Not.EqualTo("en"));
        });
    }

    [Test]
    public void Denial_of_wallet_specs_expand_to_large_inputs_at_load_time()
    {
        var large = BuiltIn.Attacks.Where(a => a.Category == AttackCategory.DenialOfWallet && a.TotalCharacters >= 50_000).ToList();
        using var resource = typeof(AttackSuite).Assembly.GetManifestResourceStream("SafeOpenAI.Cli.RedTeam.Suite.attacks.jsonl")!;

        Assert.Multiple(() =>
        {
            Assert.That(large, Has.Count.GreaterThanOrEqualTo(10));
            Assert.That(large.Sum(a => (long)a.TotalCharacters), Is.GreaterThan(resource.Length * 5), "stored compactly, expanded when loaded");
            Assert.That(large, Has.Some.Matches<AttackCase>(a => a.Documents.Any(d => d.Length >= 50_000)));
        });
    }

    [Test]
    public void Built_in_benign_controls_number_100_and_include_other_languages_and_documents()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BuiltIn.Benign, Has.Count.GreaterThanOrEqualTo(100));
            Assert.That(BuiltIn.Benign.Select(b => b.Category), Has.All.EqualTo(AttackCategory.Benign));
            Assert.That(BuiltIn.Benign.Select(b => b.Language).Distinct().Count(), Is.GreaterThanOrEqualTo(10));
            Assert.That(BuiltIn.Benign.Count(b => b.Documents.Count > 0), Is.GreaterThanOrEqualTo(10));
            Assert.That(BuiltIn.Benign.Select(b => b.Text), Has.Some.Contains("paracetamol"));
            Assert.That(BuiltIn.Benign.Select(b => b.Text), Is.Unique);
        });
    }

    [Test]
    public void External_suite_defaults_signal_and_language_and_reads_controls_and_repeat_specs()
    {
        var suite = LoadLines(
            """{"id":"x-1","category":"custom_probe","text":"Tell me a secret."}""",
            "",
            """{"id":"x-2","category":"denial_of_wallet","turns":["hi",{"prefix":"<","repeat":{"text":"ab","times":3},"suffix":">"}],"signal":"tokens_spent","language":"de","notes":"n"}""",
            """{"id":"b-1","category":"benign","text":"How do I reset my password?","documents":["FAQ"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(suite.Attacks[0].Turns, Is.EqualTo(new[] { "Tell me a secret." }));
            Assert.That(suite.Attacks[0].Documents, Is.Empty);
            Assert.That(suite.Attacks[0].Signal, Is.EqualTo(SuccessSignal.JudgedHarmful));
            Assert.That(suite.Attacks[0].Language, Is.EqualTo("en"));
            Assert.That(suite.Attacks[1].Turns, Is.EqualTo(new[] { "hi", "<ababab>" }));
            Assert.That(suite.Attacks[1].Signal, Is.EqualTo(SuccessSignal.TokensSpent));
            Assert.That(suite.Attacks[1].Language, Is.EqualTo("de"));
            Assert.That(suite.Benign.Single().Documents, Is.EqualTo(new[] { "FAQ" }));
            Assert.That(suite.CountsByCategory, Is.EqualTo(new Dictionary<string, int> { ["custom_probe"] = 1, ["denial_of_wallet"] = 1 }));
        });
    }

    [Test]
    public void Bad_json_names_the_file_and_line()
    {
        var ex = LoadError(
            """{"id":"a","category":"direct_injection","text":"x"}""",
            """{"id":"b","category":""");

        Assert.Multiple(() =>
        {
            Assert.That(ex.Line, Is.EqualTo(2));
            Assert.That(ex.Field, Is.Null);
            Assert.That(ex.Message, Does.Contain(":2:").And.Contain("not valid JSON").And.Contain(ex.File));
        });
    }

    [Test]
    public void Missing_category_names_the_line_and_field()
    {
        var ex = LoadError("""{"id":"a","text":"x"}""");

        Assert.Multiple(() =>
        {
            Assert.That(ex.Line, Is.EqualTo(1));
            Assert.That(ex.Field, Is.EqualTo("category"));
            Assert.That(ex.Message, Does.Contain(":1: field \"category\""));
        });
    }

    [Test]
    public void Unknown_signal_names_the_line_field_and_the_known_signals()
    {
        var ex = LoadError(
            """{"id":"a","category":"harmful_request","text":"x","signal":"judged_harmful"}""",
            """{"id":"b","category":"harmful_request","text":"y","signal":"exploded"}""");

        Assert.Multiple(() =>
        {
            Assert.That(ex.Line, Is.EqualTo(2));
            Assert.That(ex.Field, Is.EqualTo("signal"));
            Assert.That(ex.Message, Does.Contain("exploded").And.Contain("canary_leaked").And.Contain("tokens_spent"));
        });
    }

    [Test]
    public void Duplicate_id_names_both_lines()
    {
        var ex = LoadError(
            """{"id":"a","category":"scope_escape","text":"x"}""",
            """{"id":"b","category":"scope_escape","text":"y"}""",
            """{"id":"a","category":"benign","text":"z"}""");

        Assert.Multiple(() =>
        {
            Assert.That(ex.Line, Is.EqualTo(3));
            Assert.That(ex.Field, Is.EqualTo("id"));
            Assert.That(ex.Message, Does.Contain("line 1"));
        });
    }

    [TestCase("""{"id":"a","category":"obfuscation"}""", "turns")]
    [TestCase("""{"id":"a","category":"obfuscation","text":"x","turns":["y"]}""", "turns")]
    [TestCase("""{"id":"a","category":"obfuscation","turns":[]}""", "turns")]
    [TestCase("""{"id":"a","category":"obfuscation","turns":["x", 3]}""", "turns[1]")]
    [TestCase("""{"id":"a","category":"Obfuscation","text":"x"}""", "category")]
    [TestCase("""{"id":"a b","category":"obfuscation","text":"x"}""", "id")]
    [TestCase("""{"category":"obfuscation","text":"x"}""", "id")]
    [TestCase("""{"id":"a","category":"obfuscation","text":"x","documents":"d"}""", "documents")]
    [TestCase("""{"id":"a","category":"obfuscation","text":{"repeat":{"text":"ab","times":0}}}""", "text.repeat.times")]
    [TestCase("""{"id":"a","category":"obfuscation","text":{"repeat":{"text":"abc","times":1000000}}}""", "text.repeat")]
    [TestCase("""{"id":"a","category":"obfuscation","text":{"prefix":"p"}}""", "text.repeat")]
    [TestCase("""{"id":"a","category":"obfuscation","text":"x","language":"german"}""", "language")]
    [TestCase("""{"id":"a","category":"obfuscation","text":"x","notes":5}""", "notes")]
    [TestCase("""{"id":"a","category":"benign","turns":["x","y"]}""", "turns")]
    [TestCase("""{"id":"a","category":"benign","text":"x","signal":"scope_left"}""", "signal")]
    public void Invalid_field_is_named(string line, string field)
    {
        var ex = LoadError(line);

        Assert.Multiple(() =>
        {
            Assert.That(ex.Field, Is.EqualTo(field));
            Assert.That(ex.Line, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_line_that_is_not_an_object_is_rejected()
    {
        var ex = LoadError("""["id","a"]""");

        Assert.That(ex.Message, Does.Contain(":1:").And.Contain("JSON object"));
    }

    [Test]
    public void Same_seed_gives_the_same_order_and_another_seed_another()
    {
        var first = BuiltIn.Shuffle(42);
        var again = BuiltIn.Shuffle(42);
        var other = BuiltIn.Shuffle(43);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(again), Is.EqualTo(Ids(first)));
            Assert.That(again.Benign.Select(b => b.Id), Is.EqualTo(first.Benign.Select(b => b.Id)));
            Assert.That(Ids(other), Is.Not.EqualTo(Ids(first)));
            Assert.That(Ids(first), Is.Not.EqualTo(Ids(BuiltIn)));
            Assert.That(Ids(first), Is.EquivalentTo(Ids(BuiltIn)));
            Assert.That(first.Benign.Select(b => b.Id), Is.EquivalentTo(BuiltIn.Benign.Select(b => b.Id)));
        });
    }

    private static IEnumerable<AttackCase> Obfuscations() => BuiltIn.Attacks.Where(a => a.Category == AttackCategory.Obfuscation);

    private static List<string> Ids(AttackSuite suite) => suite.Attacks.Select(a => a.Id).ToList();

    private static string? TryDecodeBase64(string token)
    {
        var buffer = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, buffer, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, written);
        return text.All(c => c is >= ' ' and <= '~') ? text : null;
    }

    private static AttackSuite LoadLines(params string[] lines)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, lines);
            return AttackSuite.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static AttackSuiteFormatException LoadError(params string[] lines)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, lines);
            var ex = Assert.Throws<AttackSuiteFormatException>(() => AttackSuite.Load(path))!;
            Assert.That(ex.File, Is.EqualTo(path));
            return ex;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex("[A-Za-z0-9+/]{16,}={0,2}")]
    private static partial Regex Base64Token();

    // A word mixing ASCII letters with Cyrillic or Greek letters that look like them.
    [GeneratedRegex(@"\b(?=\w*[A-Za-z])(?=\w*[\u0370-\u03FF\u0400-\u04FF])\w+\b")]
    private static partial Regex LatinWordWithForeignLetter();

    // A word of letters with digits standing in for letters (1gn0r3, 5y573m).
    [GeneratedRegex(@"\b(?=\w*[a-zA-Z])(?=\w*[0-9])[a-zA-Z0-9]{3,}\b")]
    private static partial Regex LeetWord();
}
