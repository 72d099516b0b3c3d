using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Parity;

/// <summary>
/// In concurrent mode (<c>Moderation:RunInputConcurrently</c>) the model call starts beside input
/// moderation; the moment moderation blocks, the in-flight model request is cancelled (the
/// endpoint observes the client abort it) and the budget reservation is released, nothing billed.
/// OpenAI Guardrails lets the model call run to the end and bills it.
/// </summary>
public class ConcurrentModerationCancelsTheModelCallTests
{
    // An upper bound on waiting for the endpoint, not a measured time: the test never depends on it.
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_flagged_input_aborts_the_in_flight_model_request_and_releases_the_reservation()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(
            o => o.Moderation.RunInputConcurrently = true,
            b => b.UseBudgetTracker(_ => budget));

        // The model would answer only after an hour, so any answer the caller got would be proof of waiting.
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromHours(1), ScriptedChatResponse.Offline()));

        // Moderation answers only once the model request is on the wire, so the cancellation has
        // a request to abort whatever the scheduling: ordering by a signal, not by a delay.
        var endpoint = host.Endpoint;
        endpoint.Moderation.Handler = _ =>
        {
            SpinWait.SpinUntil(() => endpoint.ChatRequests.Count > 0, s_patience);
            return ScriptedModerationResponse.Flagged("violence");
        };

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will murder the witness."));

        var modelRequest = host.Endpoint.ChatRequests.Single();
        using var patience = new CancellationTokenSource(s_patience);
        var aborted = await host.Endpoint.WaitForAbortAsync(modelRequest.Sequence, patience.Token);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
            Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:violence"));
            Assert.That(aborted.Sequence, Is.EqualTo(modelRequest.Sequence), "the endpoint saw the model request aborted by the client");
            Assert.That(result.Verdicts.Select(v => v.Code), Does.Not.Contain("model.completed"), "no answer was received or recorded");
            Assert.That(budget.ReserveCount, Is.EqualTo(1));
            Assert.That(budget.ReleaseCount, Is.EqualTo(1), "the reservation was released");
            Assert.That(budget.SettleCount, Is.Zero, "nothing was billed");
            Assert.That(budget.Outstanding, Is.Empty, "no tokens stay reserved");
            Assert.That(host.Audit.Records.Single().Usage, Is.Null.Or.Property(nameof(TokenUsage.TotalTokens)).EqualTo(0));
        });
    }

    [Test]
    public async Task A_clean_input_in_concurrent_mode_lets_the_model_answer_and_settles_it()
    {
        // The counterpart: concurrent mode does not cancel what it should not.
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(
            o => o.Moderation.RunInputConcurrently = true,
            b => b.UseBudgetTracker(_ => budget));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("What is the capital of France?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(host.Endpoint.AbortedRequests, Is.Empty);
            Assert.That(budget.SettleCount, Is.EqualTo(1));
            Assert.That(budget.ReleaseCount, Is.Zero);
        });
    }
}
