using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>Each instrument, read with <see cref="MetricCollector{T}"/> on the container's meter factory, through DI and the real SDK.</summary>
public class TelemetryMetricsTests
{
    [Test]
    public async Task A_completed_call_records_its_duration_tokens_cost_and_status()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var duration = Collect<double>(host, SafeOpenAITelemetry.OperationDurationMetric);
        using var tokens = Collect<int>(host, SafeOpenAITelemetry.TokenUsageMetric);
        using var requests = Collect<long>(host, SafeOpenAITelemetry.RequestsMetric);
        using var cost = Collect<double>(host, SafeOpenAITelemetry.CostMetric);
        using var blocks = Collect<long>(host, SafeOpenAITelemetry.BlocksMetric);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is a haiku?"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var call = duration.GetMeasurementSnapshot().Single();
        Assert.That(call.Value, Is.GreaterThan(0).And.LessThan(host.Audit.Records.Single().Duration.TotalSeconds + 1e-9));
        Assert.That(call.Tags["gen_ai.operation.name"], Is.EqualTo("chat"));
        Assert.That(call.Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
        Assert.That(call.Tags["gen_ai.request.model"], Is.EqualTo("gpt-4o-mini"));
        Assert.That(call.Tags["gen_ai.response.model"], Is.EqualTo(result.Completion!.Model));
        Assert.That(call.Tags["safeopenai.status"], Is.EqualTo("completed"));
        Assert.That(call.Tags.ContainsKey("error.type"), Is.False);

        var byType = tokens.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["gen_ai.token.type"]!, m => m.Value);
        Assert.That(byType, Is.EqualTo(new Dictionary<string, int> { ["input"] = result.Usage!.InputTokens, ["output"] = result.Usage.OutputTokens }));

        var request = requests.GetMeasurementSnapshot().Single();
        Assert.That(request.Value, Is.EqualTo(1));
        Assert.That(request.Tags["safeopenai.status"], Is.EqualTo("completed"));
        Assert.That(cost.GetMeasurementSnapshot().Single().Value, Is.EqualTo((double)result.CostUsd!.Value).Within(1e-12));
        Assert.That(blocks.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public async Task A_judges_tokens_are_recorded_under_its_own_model_and_stage()
    {
        await using var host = await TelemetryHost.StartAsync(build: b => b.AddOffTopicCheck("Customer support for an online shop."));
        host.Endpoint.Chat.Handler = r => r.Model == ScopeCheckOptions.DefaultJudgeModel
            ? ScriptedChatResponse.Text("""{"flagged":false,"confidence":0.9}""").WithUsage(140, 11)
            : null;
        using var tokens = Collect<int>(host, SafeOpenAITelemetry.TokenUsageMetric);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Where is my order?"));

        var judge = tokens.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["gen_ai.request.model"] == ScopeCheckOptions.DefaultJudgeModel)
            .ToDictionary(m => (string)m.Tags["gen_ai.token.type"]!, m => (m.Value, (string?)m.Tags["safeopenai.stage"]));
        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(judge, Is.EqualTo(new Dictionary<string, (int, string?)> { ["input"] = (140, "OffTopic"), ["output"] = (11, "OffTopic") }));
    }

    [Test]
    public async Task The_gen_ai_histograms_carry_the_bucket_boundaries_the_semantic_conventions_advise()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var duration = Collect<double>(host, SafeOpenAITelemetry.OperationDurationMetric);
        using var tokens = Collect<int>(host, SafeOpenAITelemetry.TokenUsageMetric);
        using var stages = Collect<double>(host, SafeOpenAITelemetry.StageDurationMetric);

        _ = host.Client; // resolves the pipeline, which creates the instruments

        Assert.That(((Histogram<double>)duration.Instrument!).Advice!.HistogramBucketBoundaries, Is.EqualTo(new[] { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92 }));
        Assert.That(((Histogram<int>)tokens.Instrument!).Advice!.HistogramBucketBoundaries, Is.EqualTo(new[] { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864 }));
        Assert.That(duration.Instrument.Unit, Is.EqualTo("s"));
        Assert.That(tokens.Instrument.Unit, Is.EqualTo("{token}"));
        Assert.That(stages.Instrument!.Unit, Is.EqualTo("s"));
    }

    [Test]
    public async Task Every_stage_run_records_its_duration_by_stage_and_phase()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var stages = Collect<double>(host, SafeOpenAITelemetry.StageDurationMetric);

        await host.Client.CompleteAsync(IntegrationHost.Ask("What is a haiku?"));

        var recorded = stages.GetMeasurementSnapshot().Select(m => ((string)m.Tags["safeopenai.stage"]!, (string)m.Tags["safeopenai.phase"]!)).ToList();
        Assert.That(recorded, Is.EquivalentTo(host.Audit.Records.Single().StageDurations.Select(d => (d.Stage, PipelineTelemetry.PhaseName(d.Phase)))));
        Assert.That(recorded, Does.Contain(("Model", "model")).And.Contain(("OpenAIModeration", "input_moderation")).And.Contain(("Budget", "settle")));
        Assert.That(stages.GetMeasurementSnapshot().Select(m => m.Value), Has.All.GreaterThanOrEqualTo(0));
    }

    [Test]
    public async Task A_blocked_call_counts_a_block_by_stage_and_code_and_a_moderation_flag_by_category()
    {
        await using var host = await TelemetryHost.StartAsync();
        using var requests = Collect<long>(host, SafeOpenAITelemetry.RequestsMetric);
        using var blocks = Collect<long>(host, SafeOpenAITelemetry.BlocksMetric);
        using var flags = Collect<long>(host, SafeOpenAITelemetry.ModerationFlagsMetric);
        using var tokens = Collect<int>(host, SafeOpenAITelemetry.TokenUsageMetric);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will kill him tonight."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(requests.GetMeasurementSnapshot().Single().Tags["safeopenai.status"], Is.EqualTo("blocked"));
        var block = blocks.GetMeasurementSnapshot().Single();
        Assert.That(block.Tags["safeopenai.stage"], Is.EqualTo("OpenAIModeration"));
        Assert.That(block.Tags["safeopenai.phase"], Is.EqualTo("input_moderation"));
        Assert.That(block.Tags["safeopenai.verdict.code"], Is.EqualTo("moderation.flagged:violence"));
        var flag = flags.GetMeasurementSnapshot().Single();
        Assert.That(flag.Tags["safeopenai.moderation.category"], Is.EqualTo("violence"));
        Assert.That(flag.Tags["safeopenai.phase"], Is.EqualTo("input_moderation"));
        Assert.That(tokens.GetMeasurementSnapshot(), Is.Empty, "the model was not reached");
    }

    [Test]
    public async Task A_flagged_answer_counts_an_output_flag_and_its_billed_tokens()
    {
        await using var host = await TelemetryHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Here is how to stab and kill someone.").WithUsage(50, 12));
        using var flags = Collect<long>(host, SafeOpenAITelemetry.ModerationFlagsMetric);
        using var tokens = Collect<int>(host, SafeOpenAITelemetry.TokenUsageMetric);

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Tell me a story."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(flags.GetMeasurementSnapshot().Single().Tags["safeopenai.phase"], Is.EqualTo("output_moderation"));
        Assert.That(tokens.GetMeasurementSnapshot().Select(m => m.Value), Is.EquivalentTo(new[] { 50, 12 }), "the model billed the withheld answer");
    }

    [Test]
    public async Task The_budget_reports_settled_tokens_and_cost_and_denials_by_limit_code()
    {
        await using var host = await TelemetryHost.StartAsync(o =>
        {
            o.Moderation.Enabled = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = 2_000 });
        });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("A short answer.").WithUsage(40, 10));
        using var settledTokens = Collect<long>(host, SafeOpenAITelemetry.BudgetTokensMetric);
        using var settledCost = Collect<double>(host, SafeOpenAITelemetry.BudgetCostMetric);
        using var denials = Collect<long>(host, SafeOpenAITelemetry.BudgetDenialsMetric);

        var first = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello"));
        var tooBig = await host.Client.CompleteAsync(IntegrationHost.Ask(new string('x', 20_000)));

        Assert.That(first.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(tooBig.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(
            settledTokens.GetMeasurementSnapshot().Select(m => ((string)m.Tags["gen_ai.token.type"]!, m.Value)),
            Is.EquivalentTo(new[] { ("input", 40L), ("output", 10L) }),
            "only the call that reached the model settles");
        Assert.That(settledCost.GetMeasurementSnapshot().Single().Value, Is.EqualTo((double)first.CostUsd!.Value).Within(1e-12));
        var denial = denials.GetMeasurementSnapshot().Single();
        Assert.That(denial.Tags["safeopenai.verdict.code"], Is.EqualTo(tooBig.DecisiveVerdict!.Code));
        Assert.That(tooBig.DecisiveVerdict.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
    }

    [Test]
    public async Task A_failed_call_records_its_duration_with_the_error_type()
    {
        await using var host = await TelemetryHost.StartAsync(o => o.Moderation.Enabled = false);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));
        using var duration = Collect<double>(host, SafeOpenAITelemetry.OperationDurationMetric);
        using var requests = Collect<long>(host, SafeOpenAITelemetry.RequestsMetric);

        Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => host.Client.CompleteAsync(IntegrationHost.Ask("Hello")));

        Assert.That(duration.GetMeasurementSnapshot().Single().Tags["error.type"], Is.EqualTo(typeof(System.ClientModel.ClientResultException).FullName));
        Assert.That(requests.GetMeasurementSnapshot().Single().Tags["safeopenai.status"], Is.EqualTo("failed"));
    }

    [Test]
    public async Task Two_containers_measure_apart()
    {
        await using var first = await TelemetryHost.StartAsync();
        await using var second = await TelemetryHost.StartAsync();
        using var firstRequests = Collect<long>(first, SafeOpenAITelemetry.RequestsMetric);
        using var secondRequests = Collect<long>(second, SafeOpenAITelemetry.RequestsMetric);

        await first.Client.CompleteAsync(IntegrationHost.Ask("Hello"));

        Assert.That(firstRequests.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
        Assert.That(secondRequests.GetMeasurementSnapshot(), Is.Empty);
    }

    private static MetricCollector<T> Collect<T>(IntegrationHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), SafeOpenAITelemetry.SourceName, instrument);
}
