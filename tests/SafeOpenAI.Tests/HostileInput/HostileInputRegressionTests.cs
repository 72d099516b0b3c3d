namespace SafeOpenAI.Tests.HostileInput;

/// <summary>Counterexamples the hostile-input properties found, kept as explicit cases.</summary>
public class HostileInputRegressionTests
{
    [Test]
    public void A_tag_space_is_white_space_that_is_collapsed_and_trimmed()
    {
        // U+E0020 (TAG SPACE) shadows an ASCII space; the normaliser left it untrimmed and uncollapsed.
        Assert.That(TextNormalizer.Normalize("\U000E0020"), Is.Empty);
        Assert.That(TextNormalizer.Normalize("a\U000E0020\U000E0020 b\U000E0020"), Is.EqualTo("a b"));
        Assert.That(TextNormalizer.NormalizeForDetection("\U000E0020IGNORE\U000E0020\U000E0020RULES"), Is.EqualTo("ignore rules"));
    }

    // Built in code: attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD.
    // Named cases: a test name holding a lone surrogate is dropped by the test host's result reporting.
    private static readonly TestCaseData[] s_answersWithLoneSurrogates =
    [
        new TestCaseData("\uDD4A").SetArgDisplayNames("lone low surrogate"),
        new TestCaseData("{\"name\":\"\uD800\"}").SetArgDisplayNames("lone high surrogate in a string"),
        new TestCaseData("[\"ok\", \"\uDBFF\"]").SetArgDisplayNames("lone high surrogate in an array"),
        new TestCaseData("{\"a\":1}\uDADF").SetArgDisplayNames("lone high surrogate after the document"),
    ];

    [TestCaseSource(nameof(s_answersWithLoneSurrogates))]
    public void A_json_answer_with_a_lone_surrogate_is_a_syntax_error_not_an_exception(string answer)
    {
        // JsonDocument.Parse(string) threw ArgumentException (invalid UTF-16) out of the schema check.
        Assert.That(JsonSchemaChecker.TryParse(answer, out var error), Is.False);
        Assert.That(error, Is.EqualTo(" (invalid UTF-16)"));
    }

    [Test]
    public void A_noncharacter_U_FFFE_next_to_a_lone_surrogate_is_replaced_before_NFKC()
    {
        // Found by eng/fuzz.sh normalizer: string.Normalize rejects U+FFFE as well as lone surrogates, and
        // the retry replaced only the surrogates, so Normalize threw ArgumentException.
        var text = "\u2020\u2000\uFEFF\u00FF\u20FF \uFF20\uFFFE\u00F8\0\uD900";

        Assert.That(TextNormalizer.Normalize(text), Is.EqualTo("\u2020 \u00FF\u20FF @\uFFFD\u00F8\uFFFD"));
        Assert.That(() => TextNormalizer.NormalizeForDetection("x\uFFFEy\uDC00"), Throws.Nothing);
        Assert.That(() => PromptInjectionDetector.Default.Detect("ignore\uFFFE\uD800 rules", PromptInjectionMode.Prompt), Throws.Nothing);
    }

    [Test]
    public async Task An_allowed_values_guard_blocks_a_lone_surrogate_instead_of_throwing()
    {
        // The whole-message rule normalised the value with string.Normalize, and the JSON rule parsed it
        // with JsonDocument.Parse: both threw ArgumentException on invalid UTF-16, out of the pipeline.
        var wholeMessage = new AllowedValuesOptions().AllowWholeMessage("Billing");
        var jsonProperty = new AllowedValuesOptions().AllowJsonProperty("department", "Billing");
        foreach (var (options, value) in new[] { (wholeMessage, "Billing\uD800"), (wholeMessage, "\uFFFE\uD800"), (jsonProperty, "{\"department\":\"Billing\uDC00\"}") })
        {
            var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, value)], "gpt-4o");

            var result = await new AllowedValuesGuard(options).InspectAsync(request, CancellationToken.None);

            Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(result.Verdict.Code, Is.EqualTo("input.value_not_allowed"));
        }
    }
}
