using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// The caller cancels while each stage is provably in flight (the stage signalled it, or the
/// endpoint received its request). What the pipeline documents (<see cref="SafetyPipeline.RunAsync"/>,
/// docs/failure-policies.md): the call ends with <see cref="OperationCanceledException"/>; a
/// reservation the model never answered is released, one it answered is settled with the billed
/// usage; the audit record is written with outcome <c>Cancelled</c>. The audit write and the review
/// submission run with <see cref="CancellationToken.None"/>: a cancellation that arrives while they
/// are in flight does not lose the record or the held answer.
/// </summary>
public sealed class CancellationAtEveryStageTests
{
    [Test]
    public async Task Cancelled_while_the_budget_reservation_is_in_flight()
    {
        var gate = new StageGate();
        await using var host = await FaultHost.StartAsync(wrapBudget: inner => new GatedBudgetTracker(gate, inner));

        var thrown = await CancelWhileInFlightAsync(host, gate.WaitUntilEnteredAsync);

        AssertCancelled(host, thrown);
        Assert.That(host.Endpoint.Requests, Is.Empty, "nothing was sent");
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task Cancelled_while_a_user_input_guard_is_in_flight()
    {
        var gate = new StageGate();
        await using var host = await FaultHost.StartAsync(build: b => b.AddInputGuard(_ => new GatedInputGuard(gate)));

        var thrown = await CancelWhileInFlightAsync(host, gate.WaitUntilEnteredAsync);

        AssertCancelled(host, thrown);
        Assert.That(host.Endpoint.Requests, Is.Empty, "neither moderation nor the model was asked");
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task Cancelled_while_input_moderation_is_in_flight_is_a_cancellation_not_a_moderation_failure()
    {
        await using var host = await FaultHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Delayed(TimeSpan.FromHours(1), ScriptedModerationResponse.Clean()));

        var thrown = await CancelWhileInFlightAsync(host, () => FaultHost.WaitUntilAsync(() => host.Endpoint.ModerationRequests.Count == 1, "moderation is asked"));

        AssertCancelled(host, thrown);
        var record = host.SingleAuditRecord();
        Assert.That(record.VerdictCodes, Has.None.Contains(OpenAIModerationCheck.UnavailableCode), "the caller's cancellation is not a moderation outage");
        Assert.That((await host.WaitForAbortAsync(host.Endpoint.ModerationRequests[0])).IsModeration, Is.True);
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task Cancelled_while_the_model_call_is_in_flight()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromHours(1), ScriptedChatResponse.Offline()));

        var thrown = await CancelWhileInFlightAsync(host, () => FaultHost.WaitUntilAsync(() => host.Endpoint.ChatRequests.Count == 1, "the model is asked"));

        AssertCancelled(host, thrown);
        Assert.That((await host.WaitForAbortAsync(host.Endpoint.ChatRequests[0])).IsChatCompletion, Is.True, "the endpoint saw the model request abandoned");
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task Cancelled_mid_stream_after_text_was_shown()
    {
        await using var host = await FaultHost.StartAsync(
            o =>
            {
                o.Moderation.Enabled = false;
                o.Streaming.Mode = StreamingMode.CutOff;
            },
            endpointOptions: new LocalOpenAIEndpointOptions { StreamChunkCharacters = 8, StreamChunkDelay = TimeSpan.FromMilliseconds(10) });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Concat(Enumerable.Repeat("A calm sentence about the sea. ", 40))));
        using var user = FaultHost.AsUser();
        using var caller = new CancellationTokenSource();

        var shown = 0;
        var thrown = Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")], cancellationToken: caller.Token))
            {
                if (update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0 && ++shown == 1)
                {
                    await caller.CancelAsync();
                }
            }
        });

        AssertCancelled(host, thrown);
        Assert.That(shown, Is.EqualTo(1), "nothing was yielded after the cancellation");
        Assert.That((await host.WaitForAbortAsync(host.Endpoint.ChatRequests[0])).IsChatCompletion, Is.True, "the stream was abandoned");
        await host.AssertInterruptedStreamChargedAsync(host.SingleAuditRecord());
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task Cancelled_while_output_moderation_is_in_flight_settles_what_the_model_billed()
    {
        await using var host = await FaultHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Delayed(TimeSpan.FromHours(1), ScriptedModerationResponse.Clean()));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var thrown = await CancelWhileInFlightAsync(host, () => FaultHost.WaitUntilAsync(() => host.Endpoint.ModerationRequests.Count == 2, "output moderation is asked"));

        AssertCancelled(host, thrown);
        Assert.That(host.SingleAuditRecord().Usage, Is.EqualTo(new TokenUsage(40, 10)), "the answer was billed before the cancellation");
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Cancelled_while_a_user_output_validator_is_in_flight_settles_what_the_model_billed()
    {
        var gate = new StageGate();
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, b => b.AddOutputValidator(_ => new GatedOutputValidator(gate)));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var thrown = await CancelWhileInFlightAsync(host, gate.WaitUntilEnteredAsync);

        AssertCancelled(host, thrown);
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Cancelled_while_the_groundedness_judge_is_in_flight_charges_the_judge_no_more_than_it_reserved()
    {
        FaultHost? started = null;
        await using var host = started = await FaultHost.StartAsync(
            o => o.Moderation.Enabled = false,
            b => b.AddGroundednessCheck(judgeFactory: _ => new OpenAIGroundednessJudge(started!.Endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You need to tell the landlord in writing well ahead of leaving.").WithUsage(40, 10));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromHours(1), ScriptedChatResponse.Text("{}")));
        var request = new SafeChatRequest([ChatMessage.CreateSystemMessage("Answer from the sources."), ChatMessage.CreateUserMessage("How do I move out?")])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
            Sources = [new SourceDocument("policy-4", "Tenants must give written notice at least two months before moving out.")],
        };
        using var caller = new CancellationTokenSource();

        var call = host.Client.CompleteAsync(request, caller.Token);
        await FaultHost.WaitUntilAsync(() => host.Endpoint.ChatRequests.Count == 2, "the judge is asked");
        var whileJudging = await host.UsageAsync();
        await caller.CancelAsync();
        var thrown = Assert.CatchAsync<OperationCanceledException>(async () => await call.WaitAsync(FaultHost.Patience));

        AssertCancelled(host, thrown);
        Assert.That(whileJudging.HeldRequests, Is.EqualTo(2), "while the judge ran, the answer's and the judge's own call were reserved");
        Assert.That((await host.WaitForAbortAsync(host.Endpoint.ChatRequests[1])).IsChatCompletion, Is.True, "the judge's request was abandoned");

        // The answer is settled with its billed 50 tokens. The judge's request was sent and may
        // have been billed, so it is charged its planned upper bound, which is what it reserved:
        // more than nothing, never more than what was held while it ran, less the answer's own
        // reservation (at least its output cap).
        var after = await host.UsageAsync();
        Assert.Multiple(() =>
        {
            Assert.That((after.HeldTokens, after.HeldRequests), Is.EqualTo((0L, 0L)), "nothing left reserved");
            Assert.That(after.Requests, Is.EqualTo(2), "the answer and the judge's request");
            Assert.That(after.Tokens, Is.GreaterThan(50).And.LessThanOrEqualTo(50 + whileJudging.HeldTokens - FaultHost.MaxOutputTokens));
        });
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task Cancelled_while_the_audit_record_is_being_written_loses_neither_the_record_nor_the_answer()
    {
        var gate = new StageGate();
        var sink = new GatedAuditSink(gate);
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, b => b.Services.AddSingleton<IAuditSink>(sink));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));
        using var caller = new CancellationTokenSource();

        var call = host.Client.CompleteAsync(FaultHost.Ask(), caller.Token);
        await gate.WaitUntilEnteredAsync();
        await caller.CancelAsync();
        gate.Open();
        var result = await call.WaitAsync(FaultHost.Patience);

        var record = sink.Recorded.Records.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed), "the call was over when the caller gave up; its record was being written");
            Assert.That((record.AuditId, record.Outcome, record.Usage), Is.EqualTo((result.AuditId, AuditOutcome.Completed, new TokenUsage(40, 10))));
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task Cancelled_while_the_review_submission_is_in_flight_still_holds_the_answer_for_review()
    {
        var gate = new StageGate();
        var asksForReview = new FakeOutputValidator("Reviewer")
        {
            Result = OutputValidationResult.FromVerdict(new SafetyVerdict("Reviewer", SafetyAction.Review, "review.requested")),
        };
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, b =>
        {
            b.Services.AddSingleton<IReviewStore>(sp => new GatedReviewStore(gate, sp.GetRequiredService<InMemoryReviewStore>()));
            b.UseHumanReview();
            b.AddOutputValidator(_ => asksForReview);
        });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));
        using var caller = new CancellationTokenSource();

        var call = host.Client.CompleteAsync(FaultHost.Ask(), caller.Token);
        await gate.WaitUntilEnteredAsync();
        await caller.CancelAsync();
        gate.Open();
        var result = await call.WaitAsync(FaultHost.Patience);

        var record = host.SingleAuditRecord();
        var held = await host.Host.Services.GetRequiredService<InMemoryReviewStore>().GetAsync(result.ReviewId!, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, result.DecisiveVerdict!.Code), Is.EqualTo((SafeChatStatus.PendingReview, "review.pending")));
            Assert.That(held, Is.Not.Null, "the held answer reached the review store");
            Assert.That(result.Completion, Is.Null, "the held answer is not returned");
            Assert.That((record.Outcome, record.ReviewId), Is.EqualTo((AuditOutcome.PendingReview, result.ReviewId)));
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    /// <summary>Starts a call, cancels the caller's token once <paramref name="inFlight"/> says the stage is running, and returns what the call threw.</summary>
    private static async Task<OperationCanceledException?> CancelWhileInFlightAsync(FaultHost host, Func<Task> inFlight)
    {
        using var caller = new CancellationTokenSource();
        var call = host.Client.CompleteAsync(FaultHost.Ask(), caller.Token);
        await inFlight();
        await caller.CancelAsync();
        return Assert.CatchAsync<OperationCanceledException>(async () => await call.WaitAsync(FaultHost.Patience));
    }

    private static void AssertCancelled(FaultHost host, OperationCanceledException? thrown)
    {
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.Not.Null, "the call ends with OperationCanceledException");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Cancelled));
            Assert.That(record.ErrorType, Is.EqualTo(typeof(OperationCanceledException).FullName).Or.EqualTo(typeof(TaskCanceledException).FullName), "the audit names the cancellation");
        });
    }
}
