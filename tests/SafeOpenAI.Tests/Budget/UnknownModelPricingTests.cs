using Moq;
using SafeOpenAI.Tests.Pipeline;

namespace SafeOpenAI.Tests.Budget;

public class UnknownModelPricingTests
{
    private static SafetyRequest RequestFor(string model, SafetyIdentity? identity = null) =>
        new([SafetyMessage.FromText(MessageRole.User, "hello")], model) { Identity = identity ?? new SafetyIdentity("user-1") };

    private static SafetyModelInvoker Model(TokenUsage usage) =>
        (_, _) => Task.FromResult(new SafetyResponse([MessagePart.FromText("answer")], usage, "stop"));

    [Test]
    public async Task An_unknown_model_is_charged_at_the_fallback_price_and_marked_on_the_call()
    {
        var budget = new SafeOpenAI.Testing.FakeBudgetTracker();
        var pipeline = PipelineFactory.Create(budget: budget, configure: o => o.Budget.FallbackPriceModel = "gpt-4.1");

        var result = await pipeline.RunAsync(RequestFor("my-fine-tune"), Model(new TokenUsage(1_000_000, 1_000_000)), CancellationToken.None);

        var fallback = result.Verdicts.Single(v => v.Code == BudgetCodes.FallbackPrice);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
            Assert.That(fallback.Evidence["model"], Is.EqualTo("my-fine-tune"));
            Assert.That(fallback.Evidence["fallback_model"], Is.EqualTo("gpt-4.1"));
            Assert.That(result.CostUsd, Is.EqualTo(2.00m + 8.00m), "the gpt-4.1 list price, never zero");
            Assert.That(budget.Settlements.Single().CostUsd, Is.EqualTo(10.00m));
            Assert.That(budget.Settlements.Single().Reservation.Request.EstimatedCostUsd, Is.GreaterThan(0m));
        });
    }

    [Test]
    public async Task Under_the_Block_policy_an_unknown_model_is_never_called()
    {
        var budget = new SafeOpenAI.Testing.FakeBudgetTracker();
        var pipeline = PipelineFactory.Create(budget: budget, configure: o => o.Budget.UnknownModel = UnknownModelPolicy.Block);
        var called = false;

        var result = await pipeline.RunAsync(RequestFor("my-fine-tune"), (_, _) =>
        {
            called = true;
            return Task.FromResult(new SafetyResponse([MessagePart.FromText("answer")], TokenUsage.Zero, "stop"));
        }, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo(BudgetCodes.UnpricedModel));
        Assert.That(called, Is.False);
        Assert.That(budget.ReserveCount, Is.Zero, "nothing was reserved for a call that cannot be priced");
    }

    [Test]
    public async Task A_known_model_gets_no_pricing_verdict_and_a_dated_snapshot_uses_its_family_price()
    {
        var pipeline = PipelineFactory.Create();

        var result = await pipeline.RunAsync(RequestFor("gpt-4o-mini-2024-07-18"), Model(new TokenUsage(1_000_000, 0)), CancellationToken.None);

        Assert.That(result.Verdicts.Select(v => v.Code), Has.None.StartsWith("cost."));
        Assert.That(result.CostUsd, Is.EqualTo(0.15m));
    }

    [Test]
    public async Task The_budget_subject_has_a_key_per_scope_and_never_a_raw_id()
    {
        var budget = new Mock<IBudgetTracker>();
        BudgetRequest? seen = null;
        budget.SetupGet(b => b.Name).Returns("budget");
        budget.Setup(b => b.ReserveAsync(It.IsAny<BudgetRequest>(), It.IsAny<CancellationToken>()))
            .Returns((BudgetRequest r, CancellationToken _) =>
            {
                seen = r;
                return ValueTask.FromResult(new BudgetReservation(r, SafetyVerdict.Block("budget", "budget.exceeded:user-hour-tokens", "no")));
            });
        var pipeline = PipelineFactory.Create(budget: budget.Object);

        await pipeline.RunAsync(RequestFor("gpt-4o-mini", new SafetyIdentity("alice@example.com", "browser-session-1", "acme")), Model(TokenUsage.Zero), CancellationToken.None);
        var anonymous = seen;
        await pipeline.RunAsync(RequestFor("gpt-4o-mini", new SafetyIdentity(null, "browser-session-2")), Model(TokenUsage.Zero), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous!.Subject.User, Is.EqualTo(pipeline.Hasher.ComputeSafetyIdentifier("alice@example.com")));
            Assert.That(anonymous.Subject.Session, Is.EqualTo(pipeline.Hasher.HashSessionId("browser-session-1")));
            Assert.That(anonymous.Subject.Tenant, Is.EqualTo("acme"));
            Assert.That(seen!.Subject.User, Is.EqualTo("anonymous:" + pipeline.Hasher.HashSessionId("browser-session-2")), "an anonymous visitor has a budget of their own");
            Assert.That(seen.Subject.Tenant, Is.Null);
            Assert.That(seen.Subject.KeyOf(BudgetScope.Global), Is.EqualTo("global"));
        });
    }
}
