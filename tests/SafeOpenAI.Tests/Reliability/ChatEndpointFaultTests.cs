using System.ClientModel;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// The chat endpoint fails for real: HTTP 5xx (with and without the SDK's retries), no answer
/// within the SDK's network timeout, a stream that breaks mid-answer, a stream that never ends.
/// The documented policy (docs/failure-policies.md, "The model call itself") holds: the SDK's
/// exception reaches the caller unchanged, the reservation is released, the audit outcome is
/// <c>Failed</c> or <c>Cancelled</c>; and the budget counts the usage the model billed, never the
/// attempts.
/// </summary>
public sealed class ChatEndpointFaultTests
{
    private const string SeaAnswer = "A calm sentence about the sea. Another calm sentence about the sea.";

    [Test]
    public async Task A_500_from_the_model_surfaces_the_SDK_exception_releases_the_reservation_and_is_audited_as_failed()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));

        var thrown = Assert.ThrowsAsync<ClientResultException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Status, Is.EqualTo(500));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
            Assert.That(record.ErrorType, Is.EqualTo(typeof(ClientResultException).FullName));
            Assert.That(record.Usage, Is.Null.Or.EqualTo(TokenUsage.Zero), "nothing was billed");
        });
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task A_503_the_SDK_retries_past_is_charged_once_with_the_usage_of_the_answer_that_came()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, innerRetries: 2);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(503, retryAfter: TimeSpan.Zero), count: 2);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var result = await host.Client.CompleteAsync(FaultHost.Ask());

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(3), "two 503s, then the answer");
            Assert.That(result.Usage, Is.EqualTo(new TokenUsage(40, 10)));
            Assert.That((record.Outcome, record.Usage), Is.EqualTo((AuditOutcome.Completed, new TokenUsage(40, 10))));
        });
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task A_503_that_outlasts_the_SDK_retries_fails_the_call_and_charges_nothing()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, innerRetries: 2);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(503, retryAfter: TimeSpan.Zero), count: 3);

        var thrown = Assert.ThrowsAsync<ClientResultException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Status, Is.EqualTo(503));
            Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(3), "the first attempt and two retries");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
        });
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task A_model_that_does_not_answer_within_the_SDK_network_timeout_fails_the_call_and_is_audited_as_failed()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, networkTimeout: TimeSpan.FromMilliseconds(500));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromHours(1), ScriptedChatResponse.Offline()));

        var thrown = Assert.CatchAsync<Exception>(() => host.Client.CompleteAsync(FaultHost.Ask()).WaitAsync(FaultHost.Patience));

        var aborted = await host.WaitForAbortAsync(host.Endpoint.ChatRequests.Single());
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<OperationCanceledException>(), "the SDK reports its network timeout as a cancellation");
            Assert.That(aborted.IsChatCompletion, Is.True, "the endpoint saw the request abandoned");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed), "a timeout nobody asked for is a failure, not a cancellation");
            Assert.That(record.ErrorType, Is.EqualTo(thrown!.GetType().FullName));
        });
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task A_groundedness_judge_that_does_not_answer_within_its_network_timeout_counts_the_claims_unsupported()
    {
        FaultHost? started = null;
        await using var host = started = await FaultHost.StartAsync(
            o => o.Moderation.Enabled = false,
            b => b.AddGroundednessCheck(judgeFactory: _ => new OpenAIGroundednessJudge(new ChatClient(
                "gpt-4o-mini",
                new ApiKeyCredential("sk-local-test"),
                started!.Endpoint.CreateClientOptions(maxRetries: 0, networkTimeout: TimeSpan.FromMilliseconds(500))))));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("You need to tell the landlord in writing well ahead of leaving.").WithUsage(40, 10));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromHours(1), ScriptedChatResponse.Text("{}")));
        var request = new SafeChatRequest([ChatMessage.CreateSystemMessage("Answer from the sources."), ChatMessage.CreateUserMessage("How do I move out?")])
        {
            Identity = new SafetyIdentity("user-1", "session-1"),
            Sources = [new SourceDocument("policy-4", "Tenants must give written notice at least two months before moving out.")],
        };

        var result = await host.Client.CompleteAsync(request).WaitAsync(FaultHost.Patience);

        var verdict = result.DecisiveVerdict!;
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That((result.Status, verdict.Code), Is.EqualTo((SafeChatStatus.Blocked, GroundednessValidator.UnsupportedCode)));
            Assert.That(verdict.Evidence["judge"], Is.EqualTo("failed"));
            Assert.That(verdict.Evidence["failure_policy"], Is.EqualTo("treat_as_unsupported"));
            Assert.That((record.Outcome, record.DecisiveCode), Is.EqualTo((AuditOutcome.Blocked, GroundednessValidator.UnsupportedCode)));
        });

        // The answer's 50 billed tokens, and the judge's abandoned request at its planned upper bound.
        var usage = await host.UsageAsync();
        Assert.That((usage.HeldTokens, usage.HeldRequests, usage.Requests), Is.EqualTo((0L, 0L, 2L)));
        Assert.That(usage.Tokens, Is.GreaterThan(50));
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_breaks_mid_answer_under_HoldBack_shows_nothing_fails_the_call_and_charges_what_was_streamed()
    {
        await using var host = await StartStreamingAsync(StreamingMode.HoldBack);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 3, SeaAnswer));

        var (thrown, texts) = await StreamUntilItFailsAsync(host);

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>(), "the transport's own error, unchanged");
            Assert.That(string.Concat(texts), Is.Empty, "no window closed before the break, so nothing was released");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
            Assert.That(record.ErrorType, Is.EqualTo(thrown!.GetType().FullName));
        });
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_breaks_mid_answer_under_CutOff_keeps_what_was_shown_fails_the_call_and_charges_what_was_streamed()
    {
        await using var host = await StartStreamingAsync(StreamingMode.CutOff);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 4, SeaAnswer));

        var (thrown, texts) = await StreamUntilItFailsAsync(host);

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>(), "the transport's own error, unchanged");
            Assert.That(string.Concat(texts), Is.Not.Empty.And.Length.LessThan(40), "the chunks before the break went out as they came");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
        });
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_breaks_under_CutOff_while_a_window_is_being_checked_leaves_no_check_running_after_the_call()
    {
        var gate = new StageGate();
        var validator = new GatedOutputValidator(gate) { Scope = OutputValidationScope.Window };
        await using var host = await StartStreamingAsync(StreamingMode.CutOff, b => b.AddOutputValidator(_ => validator));
        // The first window closes after three chunks; the break comes nine chunks later, so the
        // first window's check (held at the gate) is in flight when the stream breaks behind it.
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 12, string.Concat(Enumerable.Repeat("A calm sentence about the sea. ", 10)))
            .WithChunkDelay(TimeSpan.FromMilliseconds(100)));
        using var user = FaultHost.AsUser();

        var thrown = Assert.CatchAsync<Exception>(async () =>
        {
            await foreach (var _ in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")]))
            {
            }
        });
        var inFlightWhenTheCallEnded = validator.InFlight;
        gate.Open();

        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>(), "the transport's own error, unchanged");
            Assert.That(validator.Calls, Is.EqualTo(1), "the first window was being checked when the stream broke");
            Assert.That(inFlightWhenTheCallEnded, Is.Zero, "no window check of the call outlives it (it could add to a trail already audited, or reserve after settlement)");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
        });
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_broke_after_the_caller_stopped_reading_is_audited_as_failed_and_its_error_is_observed()
    {
        await using var host = await StartStreamingAsync(StreamingMode.CutOff);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 4, SeaAnswer));
        using var user = FaultHost.AsUser();

        await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")]))
        {
            if (update.ContentUpdate.Count > 0)
            {
                // Stop reading only once the call is over (its record is written): the break then
                // meets a run that already failed, whose error nobody else will look at.
                await FaultHost.WaitUntilAsync(() => host.Audit.Records.Count == 1, "the call failed and was audited");
                break;
            }
        }

        var record = host.SingleAuditRecord();
        Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_never_ends_is_ended_by_the_callers_token_and_never_charged_beyond_its_reservation()
    {
        await using var host = await FaultHost.StartAsync(o =>
        {
            o.Moderation.Enabled = false;
            o.Streaming.Mode = StreamingMode.CutOff;
            o.Streaming.WindowCharacters = 20;
        });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.NeverEndingStream());
        using var user = FaultHost.AsUser();
        using var caller = new CancellationTokenSource();
        BudgetUsage? whileStreaming = null;

        var updates = 0;
        var thrown = Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Count forever.")], cancellationToken: caller.Token))
            {
                if (update.ContentUpdate.Count > 0 && ++updates == 20)
                {
                    // The endless answer is by now well on its way: read what is held, then give up.
                    whileStreaming = await host.UsageAsync();
                    await caller.CancelAsync();
                }
            }
        });

        var aborted = await host.WaitForAbortAsync(host.Endpoint.ChatRequests.Single());
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.Not.Null);
            Assert.That(updates, Is.EqualTo(20), "nothing was yielded after the caller cancelled");
            Assert.That(aborted.IsChatCompletion, Is.True, "the endpoint saw the stream abandoned");
            Assert.That(whileStreaming!.HeldTokens, Is.GreaterThan(FaultHost.MaxOutputTokens).And.LessThan(FaultHost.MaxOutputTokens + 100), "while it ran, the call held only its reservation: prompt plus the output cap");
            Assert.That(whileStreaming.Tokens, Is.Zero, "nothing was charged while it ran");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Cancelled));
        });
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    [Test]
    public async Task A_stream_that_never_ends_under_HoldBack_is_ended_by_a_timeout_on_the_callers_token()
    {
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false);
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.NeverEndingStream());

        // A deadline the caller sets: the only thing that ends an endless stream (the SDK's network
        // timeout does not, because chunks keep arriving). Its length is not asserted.
        using var user = FaultHost.AsUser();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Count forever.")], cancellationToken: deadline.Token).WithCancellation(CancellationToken.None))
            {
            }
        });

        var aborted = await host.WaitForAbortAsync(host.Endpoint.ChatRequests.Single());
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(aborted.IsChatCompletion, Is.True);
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Cancelled));
        });
        await host.AssertInterruptedStreamChargedAsync(record);
        host.AssertNoUnobservedTaskException();
    }

    /// <summary>Reads the drop-in stream about the sea as user-1 until it fails; returns the failure and the text released before it.</summary>
    private static async Task<(Exception? Thrown, List<string> Texts)> StreamUntilItFailsAsync(FaultHost host)
    {
        using var user = FaultHost.AsUser();
        var texts = new List<string>();
        Exception? thrown = null;
        try
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")]))
            {
                texts.AddRange(update.ContentUpdate.Select(p => p.Text));
            }
        }
#pragma warning disable CA1031 // The failure is what the caller of this helper asserts on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            thrown = ex;
        }

        return (thrown, texts);
    }

    /// <summary>A host that streams in 8-character chunks checked in 20-character windows, moderation off.</summary>
    private static Task<FaultHost> StartStreamingAsync(StreamingMode mode, Action<ISafeOpenAIBuilder>? build = null) =>
        FaultHost.StartAsync(
            o =>
            {
                o.Moderation.Enabled = false;
                o.Streaming.Mode = mode;
                o.Streaming.WindowCharacters = 20;
            },
            build,
            new LocalOpenAIEndpointOptions { StreamChunkCharacters = 8 });
}
