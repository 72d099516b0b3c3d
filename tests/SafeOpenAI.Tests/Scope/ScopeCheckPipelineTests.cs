using Microsoft.Extensions.DependencyInjection;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Scope;

/// <summary>
/// Scope checks in the whole pipeline, through the real SDK against the local endpoint: the judge's
/// own call is reserved, settled, priced and reported; a blocked input never reaches the model; in
/// concurrent mode the model call is cancelled and its reservation released.
/// </summary>
public class ScopeCheckPipelineTests
{
    private const string Shop = "Customer support for an online shop: orders, returns, shipping and products.";
    private const string JudgeModel = "gpt-4.1-mini";
    private const string MainModel = "gpt-4o-mini";

    [Test]
    public async Task An_off_topic_question_is_blocked_before_the_model_and_only_the_judge_is_billed()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop));
        host.Endpoint.Chat.Handler = JudgeAnswers("""{"flagged":true,"confidence":0.92}""", promptTokens: 200, completionTokens: 12);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Write a poem about the sea."));
        var usage = await UserUsageAsync(host);

        Assert.Multiple(() =>
        {
            Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "scope.off_topic")));
            Assert.That(host.Endpoint.ChatRequests.Select(r => r.Model), Is.EqualTo(new[] { JudgeModel }), "the main model is never asked");
            Assert.That(result.Usage, Is.Null);
            Assert.That(result.StageModelUsages, Is.EqualTo(new[] { new StageModelUsage("OffTopic", JudgeModel, new TokenUsage(200, 12), 0.0000992m) }));
            // gpt-4.1-mini lists at USD 0.40 in and 1.60 out per million tokens: 200 in and 12 out bill USD 0.0000992.
            Assert.That(result.CostUsd, Is.EqualTo(0.0000992m));
            Assert.That((usage.Tokens, usage.Requests, usage.CostUsd, usage.HeldTokens), Is.EqualTo((212L, 1L, 0.0000992m, 0L)));
            Assert.That(host.Audit.Records.Single().CostUsd, Is.EqualTo(0.0000992m));
        });
    }

    [Test]
    public async Task An_on_topic_question_bills_the_judge_and_the_model_and_reports_each()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop));
        host.Endpoint.Chat.Handler = r => r.Model == JudgeModel
            ? ScriptedChatResponse.Text("""{"flagged":false,"confidence":0.97}""").WithUsage(180, 10)
            : ScriptedChatResponse.Text("Your order ships tomorrow.").WithUsage(1_000, 100);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order?"));
        var usage = await UserUsageAsync(host);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ChatRequests.Select(r => r.Model), Is.EqualTo(new[] { JudgeModel, MainModel }), "the judge decides first");
            Assert.That(result.Usage, Is.EqualTo(new TokenUsage(1_000, 100)));
            Assert.That(result.StageModelUsages.Single().Usage, Is.EqualTo(new TokenUsage(180, 10)));
            // Model: 1,000 × 0.15 + 100 × 0.60 per million = USD 0.00021; judge: 180 × 0.40 + 10 × 1.60 = USD 0.000088.
            Assert.That(result.CostUsd, Is.EqualTo(0.000298m));
            Assert.That((usage.Tokens, usage.Requests, usage.HeldTokens), Is.EqualTo((1_290L, 2L, 0L)));
            Assert.That(result.Verdicts.Single(v => v.Stage == "OffTopic").Evidence["confidence"], Is.EqualTo("0.97"));
        });
    }

    [Test]
    public async Task A_budget_that_cannot_pay_for_the_judge_blocks_before_any_request()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop), userDayTokens: 1_100);

        // The main call reserves its prompt and 1,000 output tokens (the hardening default here),
        // so the judge's 64 output tokens and its prompt no longer fit.
        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Does.StartWith("budget.exceeded"));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty, "neither the judge nor the model is asked");
        Assert.That((await UserUsageAsync(host)).HeldTokens, Is.Zero, "the main reservation is released");
    }

    [Test]
    public async Task A_judge_that_answers_out_of_format_blocks_by_default_and_its_tokens_are_still_counted()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop));
        host.Endpoint.Chat.Handler = JudgeAnswers("I think it's fine", promptTokens: 150, completionTokens: 8);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order?"));

        Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "scope.judge_failed:OffTopic")));
        Assert.That(result.DecisiveVerdict.Evidence["failure_policy"], Is.EqualTo("fail_closed"));
        Assert.That(result.StageModelUsages.Single().Usage, Is.EqualTo(new TokenUsage(150, 8)));
        Assert.That((await UserUsageAsync(host)).Tokens, Is.EqualTo(158L));
    }

    [Test]
    public async Task In_concurrent_mode_a_blocking_judge_cancels_the_model_call_and_releases_its_reservation()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop, o => o.RunConcurrentlyWithModel = true));
        var modelAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Endpoint.Chat.Handler = r =>
        {
            if (r.Model == JudgeModel)
            {
                // The judge answers only once the model is already working: the checks really overlap.
                modelAsked.Task.Wait(TimeSpan.FromSeconds(30));
                return ScriptedChatResponse.Text("""{"flagged":true,"confidence":0.95}""").WithUsage(200, 12);
            }

            modelAsked.TrySetResult();
            return ScriptedChatResponse.Delayed(TimeSpan.FromMinutes(2), ScriptedChatResponse.Text("A poem about the sea.").WithUsage(1_000, 500));
        };

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Write a poem about the sea."));
        var usage = await UserUsageAsync(host);

        Assert.Multiple(() =>
        {
            Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "scope.off_topic")));
            Assert.That(host.Endpoint.ChatRequests.Select(r => r.Model), Is.EquivalentTo(new[] { JudgeModel, MainModel }), "the model was asked beside the judge");
            var cancelled = result.Verdicts.Single(v => v.Code == "model.cancelled");
            Assert.That(cancelled.Evidence["cancelled_by"], Is.EqualTo("OffTopic"));
            Assert.That(result.Usage, Is.Null, "no answer arrived, nothing of the model is billed");
            Assert.That((usage.Tokens, usage.HeldTokens, usage.HeldRequests), Is.EqualTo((212L, 0L, 0L)), "only the judge is settled; the model's reservation is released");
        });
    }

    [Test]
    public async Task In_concurrent_mode_an_allowed_question_gets_its_answer()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop, o => o.RunConcurrentlyWithModel = true));
        host.Endpoint.Chat.Handler = r => r.Model == JudgeModel
            ? ScriptedChatResponse.Text("""{"flagged":false,"confidence":0.9}""")
            : ScriptedChatResponse.Text("It ships tomorrow.");

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Completion!.Content[0].Text, Is.EqualTo("It ships tomorrow."));
        Assert.That(result.Verdicts.Select(v => v.Stage), Does.Contain("OffTopic"));
    }

    [Test]
    public async Task A_custom_output_check_judges_the_whole_streamed_answer_before_any_of_it_is_shown()
    {
        await using var host = await StartAsync(b => b.AddCustomPromptCheck("Promises", "The answer promises a refund or a delivery date.", o => o.Direction = FilterDirection.Output));
        host.Endpoint.Chat.Handler = r => r.Model == JudgeModel
            ? ScriptedChatResponse.Text("""{"flagged":true,"confidence":0.88}""")
            : ScriptedChatResponse.Streamed("We will refund ", "you in full ", "by Friday.");

        var stream = host.Client.CompleteStreamingAsync(IntegrationHost.Ask("Can I get my money back?"));
        var shown = new List<string>();
        await foreach (var update in stream)
        {
            shown.AddRange(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.That((stream.Result!.Status, stream.Result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.Blocked, "scope.custom:Promises")));
        Assert.That(string.Concat(shown), Does.Not.Contain("refund"), "HoldBack: nothing of the answer reached the caller");
        using var judged = System.Text.Json.JsonDocument.Parse(host.Endpoint.ChatRequests.Single(r => r.Model == JudgeModel).Json!.Value.GetProperty("messages")[1].GetProperty("content").GetString()!);
        Assert.That(judged.RootElement.GetProperty("content").GetString(), Is.EqualTo("We will refund you in full by Friday."));
    }

    [Test]
    public async Task The_off_topic_check_switches_on_from_configuration()
    {
        await using var host = await ConfiguredAsync(new Dictionary<string, string?>
        {
            ["SafeOpenAI:Defenses:OffTopic:Enabled"] = "true",
            ["SafeOpenAI:Defenses:OffTopic:AllowedScope"] = Shop,
            ["SafeOpenAI:Defenses:OffTopic:ConfidenceThreshold"] = "0.8",
            ["SafeOpenAI:Defenses:OffTopic:JudgeModel"] = "gpt-4.1-nano",
        });
        host.Endpoint.Chat.Handler = r => r.Model == "gpt-4.1-nano" ? ScriptedChatResponse.Text("""{"flagged":true,"confidence":0.79}""") : null;

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Write a poem."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), "0.79 is below the configured 0.8");
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("scope.below_threshold:OffTopic"));
    }

    [Test]
    public async Task The_declared_purpose_is_the_off_topic_scope_when_none_is_given()
    {
        await using var host = await ConfiguredAsync(new Dictionary<string, string?>
        {
            ["SafeOpenAI:Deployment:Purpose"] = "Billing and account questions of Contoso customers.",
            ["SafeOpenAI:Defenses:OffTopic:Enabled"] = "true",
        });
        host.Endpoint.Chat.Handler = JudgeAnswers("""{"flagged":false,"confidence":0.9}""", 100, 10);

        await host.Client.CompleteAsync(IntegrationHost.Ask("Why was I charged twice?"));

        using var judged = System.Text.Json.JsonDocument.Parse(host.Endpoint.ChatRequests.First(r => r.Model == JudgeModel).Json!.Value.GetProperty("messages")[1].GetProperty("content").GetString()!);
        Assert.That(judged.RootElement.GetProperty("criterion").GetString(), Does.EndWith("The scope: Billing and account questions of Contoso customers."));
    }

    [TestCase("AllowedScope", null, "SafeOpenAI:Defenses:OffTopic:AllowedScope is required")]
    [TestCase("ConfidenceThreshold", "2", "SafeOpenAI:Defenses:OffTopic:ConfidenceThreshold")]
    [TestCase("MaxTurns", "0", "SafeOpenAI:Defenses:OffTopic:MaxTurns")]
    [TestCase("Treshold", "0.5", "SafeOpenAI:Defenses:OffTopic:Treshold is not a setting of the off-topic check")]
    public void A_bad_off_topic_setting_fails_at_startup_naming_its_key(string key, string? value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SafeOpenAI:Defenses:OffTopic:Enabled"] = "true",
            ["SafeOpenAI:Defenses:OffTopic:AllowedScope"] = Shop,
        };
        settings["SafeOpenAI:Defenses:OffTopic:" + key] = value;

        var error = Assert.CatchAsync(async () =>
        {
            await using var host = await ConfiguredAsync(settings);
            _ = host.Client;
        });

        Assert.That(error!.ToString(), Does.Contain(message));
    }

    [Test]
    public async Task A_custom_prompt_check_switches_on_from_configuration_with_its_name()
    {
        await using var host = await ConfiguredAsync(new Dictionary<string, string?>
        {
            ["SafeOpenAI:Defenses:CustomPromptCheck:Enabled"] = "true",
            ["SafeOpenAI:Defenses:CustomPromptCheck:Name"] = "LegalAdvice",
            ["SafeOpenAI:Defenses:CustomPromptCheck:Criterion"] = "The user asks for legal advice about a specific case.",
        });
        host.Endpoint.Chat.Handler = JudgeAnswers("""{"flagged":true,"confidence":0.9}""", 100, 10);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Can I sue my landlord?"));

        Assert.That(result.DecisiveVerdict?.Code, Is.EqualTo("scope.custom:LegalAdvice"));
    }

    [Test]
    public async Task The_offline_stand_in_judges_by_word_overlap_and_names_itself()
    {
        await using var host = await StartAsync(b => b.AddOffTopicCheck(Shop));
        host.Endpoint.Chat.Handler = OfflineScopeJudge.Answer;

        var onTopic = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order? It has not shipped."));
        var offTopic = await host.Client.CompleteAsync(IntegrationHost.Ask("Compose a sonnet about autumn leaves."));

        Assert.That(onTopic.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(offTopic.DecisiveVerdict?.Code, Is.EqualTo("scope.off_topic"));
        Assert.That(offTopic.StageModelUsages.Single().Model, Is.EqualTo(OfflineScopeJudge.ModelName));
        Assert.That(offTopic.StageModelUsages.Single().CostUsd, Is.GreaterThan(0m), "priced at the planned judge model");
        Assert.That(host.Endpoint.ChatRequests.Count(r => r.Model == MainModel), Is.EqualTo(1));
    }

    private static Func<RecordedRequest, ScriptedChatResponse?> JudgeAnswers(string answer, int promptTokens, int completionTokens) =>
        r => r.Model == JudgeModel ? ScriptedChatResponse.Text(answer).WithUsage(promptTokens, completionTokens) : null;

    private static Task<IntegrationHost> StartAsync(Action<ISafeOpenAIBuilder> build, long userDayTokens = 1_000_000) =>
        IntegrationHost.StartAsync(
            o =>
            {
                o.Moderation.Enabled = false;
                o.Hardening.DefaultMaxOutputTokens = 1_000;
                o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Day, Tokens = userDayTokens });
            },
            build);

    private static Task<ConfiguredHost> ConfiguredAsync(Dictionary<string, string?> settings)
    {
        var all = ConfiguredHost.Settings(("SafeOpenAI:Moderation:Enabled", "false"));
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return ConfiguredHost.StartAsync(all);
    }

    private static async Task<BudgetUsage> UserUsageAsync(IntegrationHost host) =>
        await host.Services.GetRequiredService<IBudgetUsageReader>().GetUsageAsync(BudgetScope.User, IntegrationHost.SafetyIdentifierOf("user-1"), BudgetWindow.Day, CancellationToken.None);
}
