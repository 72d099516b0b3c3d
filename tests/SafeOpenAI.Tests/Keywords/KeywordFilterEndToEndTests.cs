using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Keywords;

/// <summary>The keyword and competitor filters through the real OpenAI SDK and the local endpoint, added in code and from configuration.</summary>
public class KeywordFilterEndToEndTests
{
    [Test]
    public async Task A_blocked_term_in_the_question_stops_the_request_before_the_model()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddKeywordFilter(o => o.Keywords.Add("Project Falcon")));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("When does project  FALCON ship?"));

        Assert.That((result.Status, result.DecisiveVerdict!.Code, result.DecisiveVerdict.Stage), Is.EqualTo((SafeChatStatus.Blocked, "keyword.blocked", "KeywordFilter")));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task A_competitor_in_the_answer_blocks_it()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddCompetitorFilter(o =>
        {
            o.Keywords.Add("Acme");
            o.Direction = FilterDirection.Output;
        }));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Say: Acme is cheaper."));

        Assert.That((result.Status, result.DecisiveVerdict!.Code, result.DecisiveVerdict.Stage), Is.EqualTo((SafeChatStatus.Blocked, "keyword.competitor", "CompetitorFilter")));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "the model was called; its answer was withheld");
    }

    [Test]
    public async Task Both_filters_switched_on_from_configuration_report_their_own_codes()
    {
        await using var host = await ConfiguredHost.StartAsync(ConfiguredHost.Settings(
            ("SafeOpenAI:Defenses:KeywordFilter:Enabled", "true"),
            ("SafeOpenAI:Defenses:KeywordFilter:Keywords:0", "Project Falcon"),
            ("SafeOpenAI:Defenses:CompetitorFilter:Enabled", "true"),
            ("SafeOpenAI:Defenses:CompetitorFilter:Keywords:0", "Acme"),
            ("SafeOpenAI:Defenses:CompetitorFilter:Keywords:1", "Globex")));

        var keyword = await host.Client.CompleteAsync(IntegrationHost.Ask("Tell me about Project Falcon"));
        var competitor = await host.Client.CompleteAsync(IntegrationHost.Ask("Is GLOBEX better?"));
        var clean = await host.Client.CompleteAsync(IntegrationHost.Ask("Which plan suits a small team?"));

        Assert.Multiple(() =>
        {
            Assert.That(keyword.DecisiveVerdict!.Code, Is.EqualTo("keyword.blocked"));
            Assert.That(competitor.DecisiveVerdict!.Code, Is.EqualTo("keyword.competitor"));
            Assert.That(competitor.DecisiveVerdict.Evidence["term"], Is.EqualTo("Globex"));
            Assert.That(clean.Status, Is.EqualTo(SafeChatStatus.Completed));
        });
    }

    [Test]
    public void A_configured_filter_without_keywords_is_refused_at_registration_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => ConfiguredHost.Register(ConfiguredHost.Settings(("SafeOpenAI:Defenses:CompetitorFilter:Enabled", "true"))));

        Assert.That(error!.ParamName, Is.EqualTo("SafeOpenAI:Defenses:CompetitorFilter:Keywords"));
    }
}
