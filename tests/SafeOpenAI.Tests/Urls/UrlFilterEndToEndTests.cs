using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Urls;

/// <summary>The URL filter through the real OpenAI SDK and the local endpoint, added in code and from configuration.</summary>
public class UrlFilterEndToEndTests
{
    [Test]
    public async Task A_dangerous_link_in_the_question_is_blocked_before_the_model_is_called()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddUrlFilter());

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Is https://admin:hunter2@intranet.example.com/ safe to open?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("url.credentials"));
            Assert.That(result.DecisiveVerdict.Evidence["host"], Is.EqualTo("intranet.example.com"));
            Assert.That(host.Endpoint.ChatRequests, Is.Empty, "the model is never called");
            Assert.That(System.Text.Json.JsonSerializer.Serialize(host.Audit.Records), Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public async Task A_link_off_the_allow_list_in_the_answer_is_redacted()
    {
        // Output only, so the question passes and the offline model echoes the link back.
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddUrlFilter(o =>
        {
            o.Direction = FilterDirection.Output;
            o.AllowedHosts.Add("docs.example.com");
        }));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Compare https://docs.example.com/a with https://elsewhere.example.net/b"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
            var answer = result.Completion!.Content[0].Text;
            Assert.That(answer, Does.Contain("https://docs.example.com/a").And.Contain("[link removed]").And.Not.Contain("elsewhere.example.net"));
            Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("url.redacted"));
        });
    }

    [Test]
    public async Task A_link_in_the_answer_can_block_it()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.AddUrlFilter(o =>
        {
            o.Direction = FilterDirection.Output;
            o.OutputAction = UrlFilterAction.Block;
        }));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Echo http://169.254.169.254/latest/meta-data please"));

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "url.ip_literal")));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1), "the model was called; its answer was withheld");
    }

    [Test]
    public async Task The_filter_is_switched_on_and_configured_from_configuration()
    {
        await using var host = await ConfiguredHost.StartAsync(ConfiguredHost.Settings(
            ("SafeOpenAI:Defenses:UrlFilter:Enabled", "true"),
            ("SafeOpenAI:Defenses:UrlFilter:AllowedHosts:0", "*.example.com"),
            ("SafeOpenAI:Defenses:UrlFilter:AllowedSchemes:0", "https"),
            ("SafeOpenAI:Defenses:UrlFilter:Direction", "Input")));

        var allowed = await host.Client.CompleteAsync(IntegrationHost.Ask("Open https://docs.example.com/x"));
        var refusedHost = await host.Client.CompleteAsync(IntegrationHost.Ask("Open https://example.org/x"));
        var refusedScheme = await host.Client.CompleteAsync(IntegrationHost.Ask("Open http://docs.example.com/x"));

        Assert.Multiple(() =>
        {
            Assert.That(allowed.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(refusedHost.DecisiveVerdict!.Code, Is.EqualTo("url.not_allowed"));
            Assert.That(refusedScheme.DecisiveVerdict!.Code, Is.EqualTo("url.scheme"), "the configured scheme list replaces the default one");
            Assert.That(host.Pipeline.Stages.Where(s => s.Name == "UrlFilter").Select(s => s.Phase), Is.EqualTo(new[] { SafetyPhase.Input }));
        });
    }

    [Test]
    public void A_bad_configured_entry_is_refused_at_registration_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => ConfiguredHost.Register(ConfiguredHost.Settings(
            ("SafeOpenAI:Defenses:UrlFilter:Enabled", "true"),
            ("SafeOpenAI:Defenses:UrlFilter:AllowedHosts:0", "not a host"))));

        Assert.That(error!.ParamName, Is.EqualTo("SafeOpenAI:Defenses:UrlFilter:AllowedHosts"));
    }

    [Test]
    public void Adding_it_in_code_and_in_configuration_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConfiguredHost.Register(
            ConfiguredHost.Settings(("SafeOpenAI:Defenses:UrlFilter:Enabled", "true")),
            b => b.AddUrlFilter()));

        Assert.That(error!.Message, Is.EqualTo("The URL filter is added twice: by SafeOpenAI:Defenses:UrlFilter:Enabled and in code. Remove one."));
    }
}
