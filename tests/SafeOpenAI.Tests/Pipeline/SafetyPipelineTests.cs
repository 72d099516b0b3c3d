using Moq;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Pipeline;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class SafetyPipelineTests
{
    private readonly List<string> _order = [];

    [Test]
    public async Task Stages_run_in_the_documented_order()
    {
        var pipeline = PipelineFactory.Create(
            inputGuards: [Guard("first", InputGuardResult.Allow("first")), Guard("second", InputGuardResult.Allow("second"))],
            moderation: Moderation(SafetyAction.Allow),
            outputValidators: [Validator("validator", OutputValidationResult.Allow("validator"))],
            budget: Budget().Object);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(_order, Is.EqualTo(new[] { "reserve", "first", "second", "moderation:Input", "model", "moderation:Output", "validator", "settle" }));
        Assert.That(result.Verdicts.Select(v => v.Phase), Is.Ordered);
    }

    [Test]
    public async Task A_blocking_input_guard_stops_the_call_before_moderation_and_the_model_and_releases_the_budget()
    {
        var block = SafetyVerdict.Block("blocker", "test.blocked", "No.");
        var budget = Budget();
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(
            inputGuards: [Guard("blocker", InputGuardResult.FromVerdict(block)), Guard("never", InputGuardResult.Allow("never"))],
            moderation: Moderation(SafetyAction.Allow),
            budget: budget.Object,
            auditSink: audit);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("test.blocked"));
        Assert.That(result.DecisiveVerdict.Phase, Is.EqualTo(SafetyPhase.Input));
        Assert.That(result.Response, Is.Null);
        Assert.That(_order, Is.EqualTo(new[] { "reserve", "blocker", "release" }));
        Assert.That(audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Blocked));
        Assert.That(audit.Records.Single().DecisiveCode, Is.EqualTo("test.blocked"));
    }

    [Test]
    public async Task Rewrites_are_seen_by_later_guards_and_by_the_model()
    {
        var redactor = new Mock<IInputGuard>();
        redactor.SetupGet(g => g.Name).Returns("redactor");
        redactor.Setup(g => g.InspectAsync(It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns((SafetyRequest r, CancellationToken _) => ValueTask.FromResult(InputGuardResult.Rewrite(
                new SafetyVerdict("redactor", SafetyAction.Rewrite, "test.redacted"),
                r.Messages.Select(m => m.Role == MessageRole.User ? m.WithParts([MessagePart.FromText("[REDACTED]")]) : m).ToArray())));
        string? seenByNextGuard = null;
        var next = new Mock<IInputGuard>();
        next.SetupGet(g => g.Name).Returns("next");
        next.Setup(g => g.InspectAsync(It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns((SafetyRequest r, CancellationToken _) =>
            {
                seenByNextGuard = r.Messages[1].Text;
                return ValueTask.FromResult(InputGuardResult.Allow("next"));
            });
        string? seenByModel = null;
        var pipeline = PipelineFactory.Create(inputGuards: [redactor.Object, next.Object]);

        await pipeline.RunAsync(PipelineFactory.Request("my card is 4111 1111 1111 1111"), (r, _) =>
        {
            seenByModel = r.Messages[1].Text;
            return Task.FromResult(PipelineFactory.Answer());
        }, CancellationToken.None);

        Assert.That(seenByNextGuard, Is.EqualTo("[REDACTED]"));
        Assert.That(seenByModel, Is.EqualTo("[REDACTED]"));
    }

    [Test]
    public async Task An_answer_blocked_by_output_moderation_is_still_settled_because_the_model_billed_it()
    {
        var budget = Budget();
        var moderation = new Mock<IModerationCheck>();
        moderation.SetupGet(m => m.Name).Returns("moderation");
        moderation.Setup(m => m.ModerateAsync(It.IsAny<ModerationDirection>(), It.IsAny<IReadOnlyList<MessagePart>>(), It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns((ModerationDirection d, IReadOnlyList<MessagePart> _, SafetyRequest _, CancellationToken _) => ValueTask.FromResult(d == ModerationDirection.Output
                ? SafetyVerdict.Block("moderation", "moderation.flagged:violence", "Withheld.")
                : SafetyVerdict.Allow("moderation")));
        var pipeline = PipelineFactory.Create(moderation: moderation.Object, budget: budget.Object);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(new TokenUsage(120, 30)), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Phase, Is.EqualTo(SafetyPhase.OutputModeration));
        Assert.That(result.Usage, Is.EqualTo(new TokenUsage(120, 30)));
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), new TokenUsage(120, 30), It.IsAny<decimal?>(), It.IsAny<CancellationToken>()), Times.Once);
        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void A_failing_model_call_releases_the_budget_and_is_audited_as_failed_with_the_original_exception()
    {
        var budget = Budget();
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(budget: budget.Object, auditSink: audit);
        var failure = new InvalidOperationException("endpoint down");

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() =>
            pipeline.RunAsync(PipelineFactory.Request(), (_, _) => Task.FromException<SafetyResponse>(failure), CancellationToken.None));

        Assert.That(thrown, Is.SameAs(failure));
        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), CancellationToken.None), Times.Once);
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), It.IsAny<TokenUsage>(), It.IsAny<decimal?>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Failed));
        Assert.That(audit.Records.Single().ErrorType, Is.EqualTo(typeof(InvalidOperationException).FullName));
    }

    [Test]
    public void Cancellation_during_the_model_call_releases_the_budget_and_is_audited_as_cancelled()
    {
        var budget = Budget();
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(budget: budget.Object, auditSink: audit);
        using var cancellation = new CancellationTokenSource();

        Assert.CatchAsync<OperationCanceledException>(() => pipeline.RunAsync(PipelineFactory.Request(), async (_, token) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            return PipelineFactory.Answer();
        }, cancellation.Token));

        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), CancellationToken.None), Times.Once);
        Assert.That(audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Cancelled));
    }

    [Test]
    public async Task A_denied_budget_blocks_without_calling_the_model_or_settling()
    {
        var budget = Budget(granted: false);
        var modelCalled = false;
        var pipeline = PipelineFactory.Create(budget: budget.Object);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), (_, _) =>
        {
            modelCalled = true;
            return Task.FromResult(PipelineFactory.Answer());
        }, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("budget.exceeded:user-hour-tokens"));
        Assert.That(modelCalled, Is.False);
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), It.IsAny<TokenUsage>(), It.IsAny<decimal?>(), It.IsAny<CancellationToken>()), Times.Never);
        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task When_the_upper_bound_is_denied_the_prompt_is_counted_exactly_and_reserved_again()
    {
        var requests = new List<BudgetRequest>();
        var budget = new Mock<IBudgetTracker>();
        budget.SetupGet(b => b.Name).Returns("budget");
        budget.Setup(b => b.ReserveAsync(It.IsAny<BudgetRequest>(), It.IsAny<CancellationToken>())).Returns((BudgetRequest r, CancellationToken _) =>
        {
            requests.Add(r);
            return ValueTask.FromResult(new BudgetReservation(r, r.PromptTokens <= 100
                ? SafetyVerdict.Allow("budget")
                : SafetyVerdict.Block("budget", "budget.exceeded:user-hour-tokens", "Out of tokens.")));
        });
        var pipeline = PipelineFactory.Create(budget: budget.Object);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None);

        Assert.That(requests.Select(r => r.PromptTokens), Is.EqualTo(new[] { 500, 100 }), "the bound first, then the exact count");
        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Count(v => v.Phase == SafetyPhase.Budget), Is.EqualTo(1), "only the deciding reservation is in the trail");
    }

    [Test]
    public async Task A_review_verdict_without_a_review_queue_withholds_the_answer()
    {
        var pipeline = PipelineFactory.Create(
            inputGuards: [Guard("domain", InputGuardResult.FromVerdict(new SafetyVerdict("domain", SafetyAction.Review, "review.required:healthcare")))]);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("review.unavailable"));
        Assert.That(result.DecisiveVerdict.Evidence["review_code"], Is.EqualTo("review.required:healthcare"));
        Assert.That(result.Response, Is.Null);
    }

    [Test]
    public async Task The_user_id_is_sent_only_as_a_keyed_hash_and_a_caller_supplied_identifier_is_kept()
    {
        var pipeline = PipelineFactory.Create();
        var expected = new SafetyHasher(new SafetyIdentifierOptions { HashKey = PipelineFactory.HashKey }).ComputeSafetyIdentifier("user-1");

        var hashed = await pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None);
        var callerSupplied = await pipeline.RunAsync(PipelineFactory.Request().With("callers-own-id", new GenerationParameters(), string.Empty), Model(), CancellationToken.None);
        var anonymous = await pipeline.RunAsync(PipelineFactory.Request(identity: SafetyIdentity.Anonymous), Model(), CancellationToken.None);

        Assert.That(hashed.Request.SafetyIdentifier, Is.EqualTo(expected));
        Assert.That(callerSupplied.Request.SafetyIdentifier, Is.EqualTo("callers-own-id"));
        Assert.That(callerSupplied.Verdicts.Select(v => v.Code), Does.Contain("identity.caller_supplied"));
        Assert.That(anonymous.Request.SafetyIdentifier, Is.Null);
    }

    [Test]
    public async Task Concurrent_input_moderation_that_blocks_cancels_the_model_call()
    {
        var moderationGate = new TaskCompletionSource<SafetyVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        var moderation = new Mock<IModerationCheck>();
        moderation.SetupGet(m => m.Name).Returns("moderation");
        moderation.Setup(m => m.ModerateAsync(ModerationDirection.Input, It.IsAny<IReadOnlyList<MessagePart>>(), It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() => new ValueTask<SafetyVerdict>(moderationGate.Task));
        var modelStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var modelCancelled = false;
        var budget = Budget();
        var pipeline = PipelineFactory.Create(moderation: moderation.Object, budget: budget.Object, configure: o => o.Moderation.RunInputConcurrently = true);

        var run = pipeline.RunAsync(PipelineFactory.Request(), async (_, token) =>
        {
            modelStarted.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                modelCancelled = true;
                throw;
            }

            return PipelineFactory.Answer();
        }, CancellationToken.None);
        await modelStarted.Task;
        moderationGate.SetResult(SafetyVerdict.Block("moderation", "moderation.flagged:violence", "Blocked."));
        var result = await run;

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(modelCancelled, Is.True, "the model call must be cancelled the moment moderation blocks");
        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), CancellationToken.None), Times.Once);
    }

    [Test]
    public async Task An_answer_that_arrived_before_concurrent_moderation_blocked_is_withheld_but_settled()
    {
        var moderationGate = new TaskCompletionSource<SafetyVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        var moderation = new Mock<IModerationCheck>();
        moderation.SetupGet(m => m.Name).Returns("moderation");
        moderation.Setup(m => m.ModerateAsync(ModerationDirection.Input, It.IsAny<IReadOnlyList<MessagePart>>(), It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns(() => new ValueTask<SafetyVerdict>(moderationGate.Task));
        var budget = Budget();
        var pipeline = PipelineFactory.Create(moderation: moderation.Object, budget: budget.Object, configure: o => o.Moderation.RunInputConcurrently = true);
        var modelDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = pipeline.RunAsync(PipelineFactory.Request(), (_, _) =>
        {
            modelDone.SetResult();
            return Task.FromResult(PipelineFactory.Answer(usage: new TokenUsage(80, 20)));
        }, CancellationToken.None);
        await modelDone.Task;
        moderationGate.SetResult(SafetyVerdict.Block("moderation", "moderation.flagged:hate", "Blocked."));
        var result = await run;

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.Response, Is.Null);
        Assert.That(result.Usage, Is.EqualTo(new TokenUsage(80, 20)), "the model billed the answer");
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), new TokenUsage(80, 20), It.IsAny<decimal?>(), CancellationToken.None), Times.Once);
        budget.Verify(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Missing_usage_is_counted_rather_than_recorded_as_zero()
    {
        var budget = Budget();
        var pipeline = PipelineFactory.Create(budget: budget.Object);

        var result = await pipeline.RunAsync(PipelineFactory.Request(), (_, _) =>
            Task.FromResult(new SafetyResponse([MessagePart.FromText("answer")], usage: null, "stop")), CancellationToken.None);

        Assert.That(result.Usage, Is.EqualTo(new TokenUsage(100, 7)));
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("usage.estimated"));
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), new TokenUsage(100, 7), It.IsAny<decimal?>(), CancellationToken.None), Times.Once);
    }

    [Test]
    public async Task Cost_is_computed_from_the_billed_usage_at_list_price()
    {
        var pipeline = PipelineFactory.Create();

        var result = await pipeline.RunAsync(PipelineFactory.Request(), Model(new TokenUsage(1_000_000, 1_000_000)), CancellationToken.None);

        Assert.That(new ModelPriceTable().TryGetPrice("gpt-4o-mini", out var price), Is.True);
        Assert.That(result.CostUsd, Is.EqualTo(price!.InputPerMillion + price.OutputPerMillion));
    }

    [Test]
    public void An_audit_sink_failure_fails_the_call_after_the_budget_is_settled()
    {
        var budget = Budget();
        var sink = new Mock<IAuditSink>();
        sink.Setup(s => s.WriteAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>())).Returns(() => ValueTask.FromException(new IOException("disk full")));
        var pipeline = PipelineFactory.Create(budget: budget.Object, auditSink: sink.Object);

        Assert.ThrowsAsync<IOException>(() => pipeline.RunAsync(PipelineFactory.Request(), Model(), CancellationToken.None));
        budget.Verify(b => b.SettleAsync(It.IsAny<BudgetReservation>(), It.IsAny<TokenUsage>(), It.IsAny<decimal?>(), CancellationToken.None), Times.Once);
    }

    [Test]
    public async Task The_audit_record_holds_hashes_never_the_text()
    {
        var audit = new RecordingAuditSink();
        var pipeline = PipelineFactory.Create(auditSink: audit);

        await pipeline.RunAsync(PipelineFactory.Request("my secret diagnosis"), Model(text: "the secret answer"), CancellationToken.None);

        var record = audit.Records.Single();
        var serialized = System.Text.Json.JsonSerializer.Serialize(record);
        Assert.That(serialized, Does.Not.Contain("secret"));
        Assert.That(record.InputHash, Has.Length.EqualTo(64));
        Assert.That(record.OutputHash, Has.Length.EqualTo(64));
        Assert.That(record.SafetyIdentifier, Has.Length.EqualTo(64));
        Assert.That(record.SessionHash, Has.Length.EqualTo(64).And.Not.EqualTo("session-1"));
        Assert.That(record.VerdictCodes, Does.Contain("Model:model.completed"));
    }

    [Test]
    public async Task Stages_describes_the_composed_pipeline()
    {
        var pipeline = PipelineFactory.Create(
            inputGuards: [Guard("g", InputGuardResult.Allow("g"))],
            moderation: Moderation(SafetyAction.Allow),
            budget: Budget().Object);

        await Task.CompletedTask;
        Assert.That(pipeline.Stages.Select(s => (s.Phase, s.Name)), Is.EqualTo(new[]
        {
            (SafetyPhase.Budget, "budget"), (SafetyPhase.Input, "g"), (SafetyPhase.InputModeration, "moderation"), (SafetyPhase.OutputModeration, "moderation"),
        }));
    }

    private SafetyModelInvoker Model(TokenUsage? usage = null, string text = "answer") => (_, _) =>
    {
        _order.Add("model");
        return Task.FromResult(PipelineFactory.Answer(text, usage));
    };

    private IInputGuard Guard(string name, InputGuardResult result)
    {
        var guard = new Mock<IInputGuard>();
        guard.SetupGet(g => g.Name).Returns(name);
        guard.Setup(g => g.InspectAsync(It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>())).Returns(() =>
        {
            _order.Add(name);
            return ValueTask.FromResult(result);
        });
        return guard.Object;
    }

    private IOutputValidator Validator(string name, OutputValidationResult result)
    {
        var validator = new Mock<IOutputValidator>();
        validator.SetupGet(v => v.Name).Returns(name);
        validator.Setup(v => v.ValidateAsync(It.IsAny<SafetyRequest>(), It.IsAny<SafetyResponse>(), It.IsAny<CancellationToken>())).Returns(() =>
        {
            _order.Add(name);
            return ValueTask.FromResult(result);
        });
        return validator.Object;
    }

    private IModerationCheck Moderation(SafetyAction action)
    {
        var moderation = new Mock<IModerationCheck>();
        moderation.SetupGet(m => m.Name).Returns("moderation");
        moderation.Setup(m => m.ModerateAsync(It.IsAny<ModerationDirection>(), It.IsAny<IReadOnlyList<MessagePart>>(), It.IsAny<SafetyRequest>(), It.IsAny<CancellationToken>()))
            .Returns((ModerationDirection d, IReadOnlyList<MessagePart> _, SafetyRequest _, CancellationToken _) =>
            {
                _order.Add("moderation:" + d);
                return ValueTask.FromResult(new SafetyVerdict("moderation", action, action == SafetyAction.Block ? "moderation.flagged:violence" : SafetyVerdict.AllowedCode));
            });
        return moderation.Object;
    }

    private Mock<IBudgetTracker> Budget(bool granted = true)
    {
        var budget = new Mock<IBudgetTracker>();
        budget.SetupGet(b => b.Name).Returns("budget");
        budget.Setup(b => b.ReserveAsync(It.IsAny<BudgetRequest>(), It.IsAny<CancellationToken>())).Returns((BudgetRequest r, CancellationToken _) =>
        {
            _order.Add("reserve");
            return ValueTask.FromResult(new BudgetReservation(r, granted
                ? SafetyVerdict.Allow("budget")
                : SafetyVerdict.Block("budget", "budget.exceeded:user-hour-tokens", "Out of tokens.")));
        });
        budget.Setup(b => b.SettleAsync(It.IsAny<BudgetReservation>(), It.IsAny<TokenUsage>(), It.IsAny<decimal?>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _order.Add("settle");
                return ValueTask.CompletedTask;
            });
        budget.Setup(b => b.ReleaseAsync(It.IsAny<BudgetReservation>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _order.Add("release");
                return ValueTask.CompletedTask;
            });
        return budget;
    }
}
