using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Reliability;

/// <summary>
/// A stage the application supplies (<see cref="IInputGuard"/>, <see cref="IModerationCheck"/>,
/// <see cref="IOutputValidator"/>) throws. In-process stages have no failure policy
/// (docs/failure-policies.md): the call fails with the stage's own exception, unchanged (the same
/// instance), nothing is sent after the stage, the reservation is released (or settled with the
/// billed usage when the model had already answered), and the audit record says <c>Failed</c> with
/// the exception's type.
/// </summary>
public sealed class ThrowingUserStageTests
{
    [Test]
    public async Task An_input_guard_that_throws_fails_the_call_with_its_own_exception_before_anything_is_sent()
    {
        var bug = new StageBugException();
        var guard = new FakeInputGuard("ThrowingGuard") { Handler = _ => throw bug };
        await using var host = await FaultHost.StartAsync(build: b => b.AddInputGuard(_ => guard));

        var thrown = Assert.ThrowsAsync<StageBugException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        AssertFailedWith(host, bug, thrown);
        Assert.That(host.Endpoint.Requests, Is.Empty, "neither moderation nor the model was asked");
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task A_moderation_check_that_throws_on_the_input_fails_the_call_before_the_model_is_asked()
    {
        var bug = new StageBugException();
        var moderation = new FakeModerationCheck("ThrowingModeration") { Handler = _ => throw bug };
        await using var host = await FaultHost.StartAsync(build: b => b.UseModeration(_ => moderation));

        var thrown = Assert.ThrowsAsync<StageBugException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        AssertFailedWith(host, bug, thrown);
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
        await host.AssertSettledAsync(chargedTokens: 0, chargedRequests: 0);
    }

    [Test]
    public async Task A_moderation_check_that_throws_on_the_answer_fails_the_call_and_settles_what_the_model_billed()
    {
        var bug = new StageBugException();
        var moderation = new FakeModerationCheck("ThrowingModeration")
        {
            Handler = call => call.Direction == ModerationDirection.Output ? throw bug : SafetyVerdict.Allow("ThrowingModeration"),
        };
        await using var host = await FaultHost.StartAsync(build: b => b.UseModeration(_ => moderation));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var thrown = Assert.ThrowsAsync<StageBugException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        AssertFailedWith(host, bug, thrown);
        Assert.That(host.SingleAuditRecord().Usage, Is.EqualTo(new TokenUsage(40, 10)));
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [Test]
    public async Task An_output_validator_that_throws_fails_the_call_and_settles_what_the_model_billed()
    {
        var bug = new StageBugException();
        var validator = new FakeOutputValidator("ThrowingValidator") { Handler = _ => throw bug };
        await using var host = await FaultHost.StartAsync(o => o.Moderation.Enabled = false, b => b.AddOutputValidator(_ => validator));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Paris.").WithUsage(40, 10));

        var thrown = Assert.ThrowsAsync<StageBugException>(() => host.Client.CompleteAsync(FaultHost.Ask()));

        AssertFailedWith(host, bug, thrown);
        Assert.That(host.SingleAuditRecord().Usage, Is.EqualTo(new TokenUsage(40, 10)));
        await host.AssertSettledAsync(chargedTokens: 50, chargedRequests: 1);
    }

    [TestCase(StreamingMode.HoldBack)]
    [TestCase(StreamingMode.CutOff)]
    public async Task A_window_validator_that_throws_mid_stream_fails_the_stream_with_its_own_exception_and_charges_what_was_streamed(StreamingMode mode)
    {
        var bug = new StageBugException();
        var validator = new FakeOutputValidator("ThrowingWindowValidator") { Scope = OutputValidationScope.Window, Handler = _ => throw bug };
        await using var host = await FaultHost.StartAsync(
            o =>
            {
                o.Moderation.Enabled = false;
                o.Streaming.Mode = mode;
                o.Streaming.WindowCharacters = 20;
            },
            b => b.AddOutputValidator(_ => validator),
            new LocalOpenAIEndpointOptions { StreamChunkCharacters = 8, StreamChunkDelay = TimeSpan.FromMilliseconds(10) });
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(string.Concat(Enumerable.Repeat("A calm sentence about the sea. ", 40))));
        using var user = FaultHost.AsUser();

        var thrown = Assert.ThrowsAsync<StageBugException>(async () =>
        {
            await foreach (var _ in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the sea.")]))
            {
            }
        });

        AssertFailedWith(host, bug, thrown);
        await host.AssertInterruptedStreamChargedAsync(host.SingleAuditRecord());
        host.AssertNoUnobservedTaskException();
    }

    private static void AssertFailedWith(FaultHost host, StageBugException bug, StageBugException? thrown)
    {
        var record = host.SingleAuditRecord();
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.SameAs(bug), "the stage's exception reaches the caller unchanged");
            Assert.That(record.Outcome, Is.EqualTo(AuditOutcome.Failed));
            Assert.That(record.ErrorType, Is.EqualTo(typeof(StageBugException).FullName));
        });
    }

    /// <summary>A programming error in an application's stage.</summary>
    private sealed class StageBugException : Exception
    {
        public StageBugException()
            : base("a bug in the application's stage")
        {
        }
    }
}
