namespace SafeOpenAI.Tests.Groundedness;

public class GroundednessValidatorTests
{
    private const string Westphalia = "The Treaty of Westphalia was signed in 1648 in the cities of Osnabrück and Münster. It ended the Thirty Years' War.";
    private const string Router = "The Aurora X2 router has four gigabit Ethernet ports and a USB 3.0 port. The recommended retail price is $149.";

    internal static SafetyRequest Request(string question, params SourceDocument[] sources) =>
        new([SafetyMessage.FromText(MessageRole.System, "Answer from the sources."), SafetyMessage.FromText(MessageRole.User, question)], "gpt-4o-mini")
        {
            Sources = sources,
        };

    internal static SafetyResponse Answer(string text) => new([MessagePart.FromText(text)], usage: null);

    private static async Task<SafetyVerdict> ValidateAsync(string question, string answer, GroundednessOptions? options = null, params SourceDocument[] sources) =>
        (await new GroundednessValidator(options ?? new GroundednessOptions()).ValidateAsync(Request(question, sources), Answer(answer), CancellationToken.None)).Verdict;

    [Test]
    public async Task A_request_without_sources_is_allowed_with_no_work()
    {
        var request = Request("Where was it signed?");

        var result = await new GroundednessValidator(new GroundednessOptions()).ValidateAsync(request, Answer("In Vienna, in 1999."), CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(result.Verdict.Code, Is.EqualTo(SafetyVerdict.AllowedCode));
        Assert.That(result.Verdict.Evidence, Is.Empty);
        Assert.That(request.Items, Is.Empty, "no source index was built");
    }

    [Test]
    public async Task A_supported_answer_cites_the_sources_of_each_claim()
    {
        var verdict = await ValidateAsync(
            "Tell me about the treaty and the router.",
            "The Treaty of Westphalia was signed in 1648 in Osnabrück and Münster. The Aurora X2 has four gigabit Ethernet ports.",
            null,
            new SourceDocument("history-1", Westphalia),
            new SourceDocument("product-7", Router));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(verdict.Evidence["claims"], Is.EqualTo("2"));
        Assert.That(verdict.Evidence["unsupported_claims"], Is.Empty);
        Assert.That(verdict.Evidence["claim.0.sources"], Is.EqualTo("history-1"));
        Assert.That(verdict.Evidence["claim.1.sources"], Is.EqualTo("product-7"));
        Assert.That(verdict.Evidence["claim.0.score"], Is.EqualTo("1.00"));
    }

    [TestCase("It was signed in 1658.", "number")]
    [TestCase("It was signed in 1648 in Vienna.", "entity")]
    [TestCase("It was signed in 1648 by Cardinal Mazarin.", "entity")]
    [TestCase("The treaty was called \"the peace of the century\" by historians.", "quote")]
    public async Task A_claim_with_a_number_entity_or_quote_no_source_has_is_unsupported(string answer, string missingKind)
    {
        var verdict = await ValidateAsync("When was the treaty signed?", answer, null, new SourceDocument("history-1", Westphalia));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(verdict.Evidence["unsupported_claims"], Is.EqualTo("0"));
        Assert.That(verdict.Evidence["claim.0.missing"], Does.Contain(missingKind));
    }

    [TestCase("Revenue was 4,200,000 euros.")]
    [TestCase("Revenue was 4.2 million euros.")]
    [TestCase("Revenue was 4.2m euros.")]
    public async Task Numbers_are_compared_by_value(string answer)
    {
        var verdict = await ValidateAsync("What was revenue?", answer, null, new SourceDocument("q3", "Revenue reached 4.2 million euros in the third quarter."));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode), answer);
    }

    [TestCase("The lake holds one thousand cubic kilometres of water.", true)]
    [TestCase("The lake holds 1000 cubic kilometres of water.", true)]
    [TestCase("The lake holds twenty-three cubic kilometres of water.", false)]
    [TestCase("The lake holds 1100 cubic kilometres of water.", false)]
    public async Task Number_words_and_separators_meet(string answer, bool supported)
    {
        var verdict = await ValidateAsync("How much water?", answer, null, new SourceDocument("lake", "The lake holds about 1,000 cubic kilometres of fresh water and is 23 km long."));

        Assert.That(verdict.Code, Is.EqualTo(supported ? GroundednessValidator.SupportedCode : GroundednessValidator.UnsupportedCode), answer);
    }

    [Test]
    public async Task A_date_must_match_day_month_and_year()
    {
        var source = new SourceDocument("release", "Version 3.2 was released on 14 March 2024.");

        var right = await ValidateAsync("When was 3.2 released?", "It was released on March 14, 2024.", null, source);
        var wrongDay = await ValidateAsync("When was 3.2 released?", "It was released on 4 March 2024.", null, source);
        var wrongMonth = await ValidateAsync("When was 3.2 released?", "It was released on 14 May 2024.", null, source);

        Assert.That(right.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(wrongDay.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(wrongMonth.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
    }

    [TestCase("Delhi", true)]
    [TestCase("Mumbai", false)]
    [TestCase("The Oberoi Group", true)]
    public async Task A_bare_entity_answer_is_judged_by_whether_the_sources_name_it(string answer, bool supported)
    {
        var verdict = await ValidateAsync(
            "The Oberoi family is part of a hotel company that has a head office in what city?",
            answer,
            null,
            new SourceDocument("ctx", "The Oberoi family is an Indian family famous for its hotels, namely through The Oberoi Group. The Oberoi Group is a hotel company with its head office in Delhi."));

        Assert.That(verdict.Code, Is.EqualTo(supported ? GroundednessValidator.SupportedCode : GroundednessValidator.UnsupportedCode));
    }

    [Test]
    public async Task An_answer_that_only_restates_the_question_is_not_supported_by_it()
    {
        var source = new SourceDocument("geo", "Canberra is the capital city of Australia; Sydney is its largest city.");

        var verdict = await ValidateAsync("Is Melbourne the seat of the federal parliament?", "Melbourne is the seat of the federal parliament.", null, source);

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(verdict.Evidence["claim.0.score"], Is.EqualTo("0.00"));
    }

    [Test]
    public async Task Question_words_the_sources_phrase_differently_do_not_count_against_a_supported_answer()
    {
        var source = new SourceDocument("mag", "Arthur's Magazine (1844–1846) was an American literary periodical. First for Women is a woman's magazine first published in 1989.");

        var discounted = await ValidateAsync("Which magazine was launched earlier, Arthur's Magazine or First for Women?", "Arthur's Magazine was launched earlier.", null, source);
        var notDiscounted = await ValidateAsync("Which magazine was launched earlier, Arthur's Magazine or First for Women?", "Arthur's Magazine was launched earlier.", new GroundednessOptions { DiscountQuestionTerms = false }, source);

        Assert.That(discounted.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(notDiscounted.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
    }

    [Test]
    public async Task A_partly_supported_answer_names_only_the_unsupported_claims()
    {
        var verdict = await ValidateAsync(
            "What does the router have?",
            "The Aurora X2 has four gigabit Ethernet ports. It also has a built-in 5G modem and Wi-Fi 7. The recommended retail price is $149.",
            null,
            new SourceDocument("product-7", Router));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(verdict.Evidence["claims"], Is.EqualTo("3"));
        Assert.That(verdict.Evidence["unsupported_claims"], Is.EqualTo("1"));
        Assert.That(verdict.Evidence["claim.0.status"], Is.EqualTo("supported"));
        Assert.That(verdict.Evidence["claim.1.status"], Is.EqualTo("unsupported"));
        Assert.That(verdict.Evidence["claim.1.sources"], Is.Empty);
        Assert.That(verdict.Evidence["claim.2.status"], Is.EqualTo("supported"));
    }

    [Test]
    public async Task Evidence_carries_indices_scores_and_source_ids_but_no_answer_text()
    {
        const string answer = "The Aurora X2 has four gigabit Ethernet ports. Its secret codename is Nightingale.";

        var verdict = await ValidateAsync("What does the router have?", answer, null, new SourceDocument("product-7", Router));

        var words = answer.Split([' ', '.'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 3);
        foreach (var value in verdict.Evidence.Values)
        {
            foreach (var word in words)
            {
                Assert.That(value, Does.Not.Contain(word).IgnoreCase, $"evidence value '{value}'");
            }
        }
    }

    [TestCase(GroundednessPolicy.Block, SafetyAction.Block)]
    [TestCase(GroundednessPolicy.Review, SafetyAction.Review)]
    [TestCase(GroundednessPolicy.Annotate, SafetyAction.Allow)]
    public async Task The_policy_decides_the_action_for_an_unsupported_answer(GroundednessPolicy policy, SafetyAction action)
    {
        var verdict = await ValidateAsync("When?", "It was signed in 1658.", new GroundednessOptions { Policy = policy }, new SourceDocument("history-1", Westphalia));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(verdict.Action, Is.EqualTo(action));
        Assert.That(verdict.UserMessage, action == SafetyAction.Allow ? Is.Null : Is.Not.Null);
    }

    [Test]
    public async Task A_supported_answer_is_allowed_whatever_the_policy()
    {
        var verdict = await ValidateAsync("When?", "It was signed in 1648.", new GroundednessOptions { Policy = GroundednessPolicy.Review }, new SourceDocument("history-1", Westphalia));

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
    }

    [Test]
    public async Task Acknowledgements_have_nothing_to_check()
    {
        var verdict = await ValidateAsync("Was it 1648?", "Yes, that's right! It was signed in 1648.", null, new SourceDocument("history-1", Westphalia));

        Assert.That(verdict.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(verdict.Evidence["claim.0.score"], Is.EqualTo("n/a"));
    }

    [Test]
    public async Task The_source_index_is_built_once_per_request()
    {
        var validator = new GroundednessValidator(new GroundednessOptions());
        var request = Request("When?", new SourceDocument("history-1", Westphalia));

        await validator.ValidateAsync(request, Answer("It was signed in 1648."), CancellationToken.None);
        var index = request.Items.Single().Value;
        await validator.ValidateAsync(request, Answer("It ended the Thirty Years' War."), CancellationToken.None);

        Assert.That(request.Items.Single().Value, Is.SameAs(index));
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroundednessValidator(new GroundednessOptions { MinClaimScore = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroundednessValidator(new GroundednessOptions { MinClaimScore = 0.9, JudgeSkipScore = 0.8 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroundednessValidator(new GroundednessOptions { MaxJudgedClaims = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroundednessValidator(new GroundednessOptions { Policy = (GroundednessPolicy)9 }));
    }

    [Test]
    public void Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAsync<OperationCanceledException>(async () =>
            await new GroundednessValidator(new GroundednessOptions()).ValidateAsync(Request("q", new SourceDocument("a", "b")), Answer("c"), cts.Token));
    }

    [Test]
    public void The_scope_is_none_without_sources_and_window_with_them()
    {
        IOutputValidator validator = new GroundednessValidator(new GroundednessOptions());

        Assert.That(validator.GetScope(Request("q")), Is.EqualTo(OutputValidationScope.None));
        Assert.That(validator.GetScope(Request("q", new SourceDocument("a", "b"))), Is.EqualTo(OutputValidationScope.Window));
    }

    [Test]
    public async Task A_window_of_a_streamed_answer_is_checked_on_its_own_with_offsets_in_the_whole_answer()
    {
        var validator = new GroundednessValidator(new GroundednessOptions());
        var request = Request("Tell me about the treaty.", new SourceDocument("history-1", Westphalia));
        const string first = "The Treaty of Westphalia was signed in 1648. ";
        const string second = "It ended the Thirty Years' War. It was signed in Vienna.";
        var window0 = new SafetyResponse([MessagePart.FromText(first)], usage: null) { Window = new OutputWindow(0, 0, string.Empty, isFinal: false) };
        var window1 = new SafetyResponse([MessagePart.FromText(second)], usage: null) { Window = new OutputWindow(1, first.Length, first, isFinal: true) };

        var v0 = (await validator.ValidateAsync(request, window0, CancellationToken.None)).Verdict;
        var v1 = (await validator.ValidateAsync(request, window1, CancellationToken.None)).Verdict;

        Assert.That(v0.Code, Is.EqualTo(GroundednessValidator.SupportedCode));
        Assert.That(v0.Evidence["window"], Is.EqualTo("0"));
        Assert.That(v1.Code, Is.EqualTo(GroundednessValidator.UnsupportedCode));
        Assert.That(v1.Evidence["window"], Is.EqualTo("1"));
        Assert.That(v1.Evidence["claims"], Is.EqualTo("2"), "the context is not re-checked");
        Assert.That(v1.Evidence["unsupported_claims"], Is.EqualTo("1"));
        Assert.That(v1.Evidence["claim.1.offset"], Is.EqualTo((first.Length + second.IndexOf("It was signed", StringComparison.Ordinal)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(v1.Evidence["claim.1.length"], Is.EqualTo("24"));
    }
}
