using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// The moderation service fails for real (HTTP 500, 429, no answer, a body that is not JSON) and
/// the documented policy holds (docs/failure-policies.md, moderation row): fail closed by default
/// with <c>moderation.unavailable</c> and <c>failure_policy=fail_closed</c>, fail open on request
/// with <c>moderation.failed_open</c>. In every case nothing stays reserved, the budget holds
/// exactly what the model billed, one audit record says what happened, and no exception escapes.
/// </summary>
public sealed class ModerationFaultTests
{
    private const string Unavailable = "OpenAIModeration:" + OpenAIModerationCheck.UnavailableCode;

    [Test]
    public async Task Input_moderation_500_blocks_before_the_model_and_leaves_nothing_reserved()
    {
        await using var host = await FaultHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var verdict = await AssertInputModerationFailedClosedAsync(host, result);
        Assert.That((verdict.Evidence["http_status"], verdict.Evidence["error"]), Is.EqualTo(("500", "ClientResultException")));
    }

    [Test]
    public async Task Output_moderation_500_withholds_the_answer_and_charges_exactly_what_the_model_billed()
    {
        await using var host = await FaultHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var verdict = result.DecisiveVerdict!;
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, OpenAIModerationCheck.UnavailableCode, SafetyPhase.OutputModeration)));
            Assert.That(verdict.Evidence["failure_policy"], Is.EqualTo("fail_closed"));
            Assert.That(verdict.Evidence["direction"], Is.EqualTo("output"));
            Assert.That(result.Completion, Is.Null, "an answer moderation could not check is not shown");
            Assert.That((record.Outcome, record.DecisiveCode), Is.EqualTo((AuditOutcome.Blocked, OpenAIModerationCheck.UnavailableCode)));
            Assert.That(record.Usage, Is.EqualTo(new TokenUsage(40, 10)), "the model was billed");
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Input_moderation_500_under_FailOpen_lets_the_call_through_and_says_so()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.FailurePolicy = ModerationFailurePolicy.FailOpen);
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var failed = result.Verdicts.Single(v => v.Code == OpenAIModerationCheck.FailedOpenCode);
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That((failed.Action, failed.Phase), Is.EqualTo((SafetyAction.Allow, SafetyPhase.InputModeration)));
            Assert.That(failed.Evidence["failure_policy"], Is.EqualTo("fail_open"));
            Assert.That(failed.Evidence["http_status"], Is.EqualTo("500"));
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Completed));
            Assert.That(record.VerdictCodes, Does.Contain("OpenAIModeration:" + OpenAIModerationCheck.FailedOpenCode));
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Moderation_429_is_retried_by_the_SDK_and_the_call_completes_without_a_failure_verdict()
    {
        await using var host = await FaultHost.StartAsync(innerRetries: 2);
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(429, retryAfter: TimeSpan.Zero), count: 2);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ModerationRequests, Has.Count.EqualTo(4), "two 429s and their retry on input, one call on output");
            Assert.That(result.Verdicts.Where(v => v.Evidence.ContainsKey("failure_policy")), Is.Empty, "a retry that succeeded is not a failure");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Completed));
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Moderation_429_that_outlasts_the_SDK_retries_blocks_and_says_so()
    {
        await using var host = await FaultHost.StartAsync(innerRetries: 2);
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(429, retryAfter: TimeSpan.Zero), count: 3);

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var verdict = await AssertInputModerationFailedClosedAsync(host, result);
        Assert.That(verdict.Evidence["http_status"], Is.EqualTo("429"));
        Assert.That(host.Endpoint.ModerationRequests, Has.Count.EqualTo(3), "the first attempt and two retries");
    }

    [Test]
    public async Task Moderation_that_does_not_answer_within_its_timeout_blocks_and_abandons_the_request()
    {
        // The timeout is measured on the pipeline's TimeProvider: the test moves the clock, it does not wait.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await FaultHost.StartAsync(build: b => b.Services.AddSingleton<TimeProvider>(clock));
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Delayed(TimeSpan.FromHours(1), ScriptedModerationResponse.Clean()));

        var call = host.Client.CompleteAsync(FaultHost.Ask());
        await FaultHost.WaitUntilAsync(() => host.Endpoint.ModerationRequests.Count == 1, "the moderation request is on the wire");
        clock.Advance(new ModerationOptions().Timeout + TimeSpan.FromSeconds(1));
        var result = await call.WaitAsync(FaultHost.Patience);

        var verdict = await AssertInputModerationFailedClosedAsync(host, result);
        var aborted = await host.WaitForAbortAsync(host.Endpoint.ModerationRequests[0]);
        Assert.That(verdict.Evidence["error"], Is.EqualTo("Timeout"));
        Assert.That(aborted.IsModeration, Is.True, "the endpoint saw the moderation request abandoned");
    }

    [Test]
    public async Task Input_moderation_that_answers_malformed_JSON_blocks_and_says_so()
    {
        await using var host = await FaultHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.MalformedJson());

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var verdict = await AssertInputModerationFailedClosedAsync(host, result);
        Assert.That(verdict.Evidence["error"], Is.EqualTo("JsonReaderException"), "the exception type (the SDK reads the body with System.Text.Json), never its message");
        Assert.That(verdict.Evidence.ContainsKey("http_status"), Is.False, "the service answered 200");
    }

    /// <summary>
    /// Asserts what every input moderation failure under the default policy leaves: the call blocked
    /// with <c>moderation.unavailable</c> and <c>failure_policy=fail_closed</c> in the input phase, the
    /// model never asked, one Blocked audit record for the call, nothing reserved or charged, and no
    /// unobserved exception. Returns the verdict for the fault's own evidence.
    /// </summary>
    private static async Task<SafetyVerdict> AssertInputModerationFailedClosedAsync(FaultHost host, SafeChatResult result)
    {
        var verdict = result.DecisiveVerdict!;
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code, verdict.Phase), Is.EqualTo((SafeChatStatus.Blocked, OpenAIModerationCheck.UnavailableCode, SafetyPhase.InputModeration)));
            Assert.That(verdict.Evidence["failure_policy"], Is.EqualTo("fail_closed"));
            Assert.That(host.Endpoint.ChatRequests, Is.Empty, "the model was never asked");
            Assert.That((record.Outcome, record.DecisiveCode, record.AuditId), Is.EqualTo((AuditOutcome.Blocked, OpenAIModerationCheck.UnavailableCode, result.AuditId)));
            Assert.That(record.VerdictCodes, Does.Contain(Unavailable));
            Assert.That(record.ErrorType, Is.Null);
        });
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
        return verdict;
    }
}
