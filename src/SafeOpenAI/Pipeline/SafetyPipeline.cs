using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// The one safety pipeline behind every front door: identity → hardening → budget → input guards
/// → input moderation → model → output moderation → output validators → settle → review → audit.
/// Created by dependency injection (<c>services.AddSafeOpenAI(...)</c>); front doors such as
/// <see cref="SafeChatClient"/> adapt their own request and response types to the neutral
/// <see cref="SafetyRequest"/> / <see cref="SafetyResponse"/> view and call <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every stage reports a <see cref="SafetyVerdict"/>; the ordered trail of verdicts is the single
/// source for the outcome, the exception, the logs and the audit record. A Block stops the call
/// where it happens: a blocked input never reaches the model.
/// </para>
/// <para>
/// Budget: a reservation is made before anything is sent, settled with the billed usage once the
/// model answered (also when an output stage then blocks, because the model was billed), and
/// released when the model was not reached or the call failed or was cancelled. Settlement and the
/// audit write run even when the caller's token is cancelled, so nothing leaks and nothing is lost.
/// </para>
/// <para>Thread-safe: one instance serves every call.</para>
/// </remarks>
public sealed partial class SafetyPipeline
{
    private const string PipelineStage = "SafetyPipeline";
    private const string ModelStage = "Model";
    private const string BudgetStage = "Budget";
    private const string HumanReviewStage = "HumanReview";

    /// <summary>The verdict code recorded when a validator's rejection made the pipeline ask the model again: <c>output.reask</c>.</summary>
    public const string ReaskCode = "output.reask";

    private readonly IReadOnlyList<IInputGuard> _inputGuards;
    private readonly IModerationCheck? _moderation;
    private readonly IReadOnlyList<IOutputValidator> _outputValidators;
    private readonly IBudgetTracker? _budgetTracker;
    private readonly ITokenCounter _tokenCounter;
    private readonly ModelPricing _pricing;
    private readonly SafetyHasher _hasher;
    private readonly IAuditSink _auditSink;
    private readonly AuditContentProtector? _contentProtector;
    private readonly IUserAccessPolicy? _accessPolicy;
    private readonly LimitedReleaseGate? _limitedRelease;
    private readonly AnomalyMonitor? _anomalyMonitor;
    private readonly IHumanReviewQueue? _reviewQueue;
    private readonly ModerationOptions _moderationOptions;
    private readonly ModelParameterHardening _hardening;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PipelineTelemetry _telemetry;
    private readonly int _maxReasks;
    private readonly StreamingMode _streamingMode;
    private readonly int _windowCharacters;
    private readonly int _overlapCharacters;

    internal SafetyPipeline(
        IReadOnlyList<IInputGuard> inputGuards,
        IModerationCheck? moderation,
        IReadOnlyList<IOutputValidator> outputValidators,
        IBudgetTracker? budgetTracker,
        ITokenCounter tokenCounter,
        ModelPriceTable prices,
        SafetyHasher hasher,
        IAuditSink auditSink,
        PipelineOversight oversight,
        SafeOpenAIOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        PipelineTelemetry? telemetry = null)
    {
        _inputGuards = inputGuards;
        _moderation = options.Moderation.Enabled ? moderation : null;
        _outputValidators = outputValidators;
        _budgetTracker = budgetTracker;
        _tokenCounter = tokenCounter;
        _pricing = new ModelPricing(prices, options.Budget, logger);
        _hasher = hasher;
        _auditSink = auditSink;
        _contentProtector = oversight.ContentProtector;
        _accessPolicy = oversight.AccessPolicy;
        _limitedRelease = oversight.LimitedRelease;
        _anomalyMonitor = oversight.AnomalyMonitor;
        _reviewQueue = oversight.ReviewQueue;
        _moderationOptions = options.Moderation;
        _hardening = new ModelParameterHardening(options.Hardening);
        _timeProvider = timeProvider;
        _logger = logger;
        _telemetry = telemetry ?? new PipelineTelemetry(null, options.Telemetry);
        _maxReasks = options.MaxReasks;
        _streamingMode = options.Streaming.Mode;
        _windowCharacters = options.Streaming.WindowCharacters;
        _overlapCharacters = options.Streaming.OverlapCharacters;
        Stages = DescribeStages();
    }

    /// <summary>Gets the composed stages in the order they run, for inspection in tests and diagnostics.</summary>
    public IReadOnlyList<SafetyStageDescriptor> Stages { get; }

    /// <summary>Gets the budget tracker the pipeline reserves with, or <see langword="null"/> when budgets are off.</summary>
    public IBudgetTracker? BudgetTracker => _budgetTracker;

    /// <summary>Gets the hasher that computes safety identifiers and audit hashes.</summary>
    public SafetyHasher Hasher => _hasher;

    /// <summary>Runs one call through every stage.</summary>
    /// <param name="request">The neutral request as the front door received it; its <see cref="SafetyRequest.AuditId"/> is assigned if empty.</param>
    /// <param name="invokeModel">Calls the model with the guarded request.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit record still written.</param>
    /// <returns>The outcome: Completed with the answer, Blocked or PendingReview with the decisive verdict.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    /// <exception cref="Exception">Whatever the model call, a stage or the audit sink threw, unchanged.</exception>
    public Task<SafetyPipelineResult> RunAsync(SafetyRequest request, SafetyModelInvoker invokeModel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(invokeModel);
        return RunCoreAsync(request, (call, token) => RunStagesAsync(call, invokeModel, token), cancellationToken);
    }

    private async Task<SafetyPipelineResult> RunCoreAsync(SafetyRequest request, Func<PipelineCall, CancellationToken, Task<StageOutcome>> runStages, CancellationToken cancellationToken)
    {
        if (request.AuditId.Length == 0)
        {
            request = request.With(request.SafetyIdentifier, request.Parameters, Guid.NewGuid().ToString("N"));
        }

        var call = new PipelineCall(request, _timeProvider, _telemetry);
        StageOutcome? outcome = null;
        Exception? failure = null;
        try
        {
            outcome = await runStages(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        Exception? settleFailure = null;
        var settleStart = _budgetTracker is null ? default : call.Mark(BudgetStage, SafetyPhase.Settle);
        try
        {
            await SettleAsync(call).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            settleFailure = ex;
        }

        call.Timed(settleStart);

        var result = outcome is { } done
            ? new SafetyPipelineResult(done.Status, call.Request, done.Response, call.Verdicts, done.DecisiveVerdict, call.BilledUsage, call.CostUsd, call.ReviewId) { StageModelUsages = call.StageModelUsages }
            : null;
        AuditRecord? record = null;
        Exception? auditFailure = null;
        try
        {
            record = await WriteAuditAsync(call, result, failure ?? settleFailure, cancellationToken.IsCancellationRequested).ConfigureAwait(false);
            if (_anomalyMonitor is not null)
            {
                // After the record is durable: a user who just tripped an abuse rule is suspended
                // before this call returns, so their next call is already blocked.
                await _anomalyMonitor.ObserveAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            auditFailure = ex;
            throw;
        }
        finally
        {
            // Spans end and metrics are recorded whatever happened, from the record the audit sink got.
            _telemetry.EndCall(call, record, result, failure ?? settleFailure ?? auditFailure, _budgetTracker is not null && settleFailure is null);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (settleFailure is not null)
        {
            throw new InvalidOperationException("Settling the budget reservation failed; see the inner exception.", settleFailure);
        }

        return result!;
    }

    private async Task<StageOutcome> RunStagesAsync(PipelineCall call, SafetyModelInvoker invokeModel, CancellationToken cancellationToken)
    {
        var concurrentGuards = new List<IInputGuard>();
        if (await RunInputGuardsAsync(call, concurrentGuards, cancellationToken).ConfigureAwait(false) is { } inputStop)
        {
            return inputStop;
        }

        var moderatedParts = _moderation is not null && _moderationOptions.CheckInput ? ModeratedInputParts(call.Request) : [];
        if (moderatedParts.Count > 0 && !_moderationOptions.RunInputConcurrently)
        {
            var verdict = await ModerateAsync(ModerationDirection.Input, moderatedParts, call, cancellationToken).ConfigureAwait(false);
            if (verdict.Action == SafetyAction.Block)
            {
                return call.Blocked(verdict);
            }

            moderatedParts = [];
        }

        SafetyResponse response;
        if (moderatedParts.Count > 0 || concurrentGuards.Count > 0)
        {
            var (checkBlock, answer) = await CallModelWithConcurrentChecksAsync(call, moderatedParts, concurrentGuards, invokeModel, cancellationToken).ConfigureAwait(false);
            if (checkBlock is not null)
            {
                return call.Blocked(checkBlock);
            }

            response = answer!;
        }
        else
        {
            response = await CallModelAsync(call, invokeModel, cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            var check = await CheckOutputAsync(call, response, cancellationToken).ConfigureAwait(false);
            if (check.Reask is not { } reask)
            {
                if (check.Stop is { } stop)
                {
                    return stop;
                }

                response = check.Response;
                break;
            }

            if (attempt > _maxReasks)
            {
                call.Add(reask.Verdict, SafetyPhase.Output);
                return call.Blocked(reask.Verdict);
            }

            call.Add(ReaskVerdict(reask.Verdict, attempt), SafetyPhase.Output);
            call.BeginAttempt(call.Request.WithMessages(ReaskMessages(call.Request.Messages, check.Response, reask.ReaskFeedback!)));
            if (await ReserveBudgetAsync(call, cancellationToken).ConfigureAwait(false) is { } reaskBudgetBlock)
            {
                return call.Blocked(reaskBudgetBlock);
            }

            response = await CallModelAsync(call, invokeModel, cancellationToken).ConfigureAwait(false);
        }

        return await ReviewOrCompleteAsync(call, response).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a call whose answer passed every stage: Completed, or, when a stage asked for review,
    /// PendingReview with the answer held in the review queue (never returned to the caller).
    /// </summary>
    private async Task<StageOutcome> ReviewOrCompleteAsync(PipelineCall call, SafetyResponse response)
    {
        var review = call.FirstReview();
        if (review is null)
        {
            return PipelineCall.Completed(response);
        }

        if (_reviewQueue is null)
        {
            // Human review needs a review queue; without one, a held answer must not reach the caller.
            var unavailable = SafetyVerdict.Block(
                "HumanReview",
                "review.unavailable",
                "This answer needs human review, which is not available; it was withheld.",
                new Dictionary<string, string> { ["review_requested_by"] = review.Stage, ["review_code"] = review.Code });
            call.Add(unavailable, SafetyPhase.Review);
            return call.Blocked(unavailable);
        }

        var start = call.Mark(HumanReviewStage, SafetyPhase.Review);
        var material = new ReviewMaterial(
            call.OriginalMessages.Select(static m => new ReviewMessage(m.Role, ReviewTextOf(m))).ToArray(),
            response.Text.Length > 0 ? response.Text : response.Refusal ?? string.Empty,
            call.Request.Sources,
            call.Verdicts);
        // Submitted even when the caller gave up waiting: the answer was produced and billed, and a
        // reviewer may still release it to the user's page.
        ReviewSummary held;
        try
        {
            held = await _reviewQueue.SubmitAsync(
                new ReviewSubmission(call.Request.AuditId, call.Request.SafetyIdentifier, call.Request.RiskDomain, review, material),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A queue that cannot hold the answer fails closed, visibly: the answer is withheld.
            var failed = SafetyVerdict.Block(
                HumanReviewStage,
                "review.unavailable",
                "This answer needs human review, which is not available; it was withheld.",
                new Dictionary<string, string>
                {
                    ["review_requested_by"] = review.Stage,
                    ["review_code"] = review.Code,
                    ["error"] = ex.GetType().Name,
                    ["failure_policy"] = "fail_closed",
                });
            call.Add(failed, SafetyPhase.Review);
            call.Timed(start, failed);
            return call.Blocked(failed);
        }

        call.ReviewId = held.ReviewId;
        var pending = new SafetyVerdict(
            HumanReviewStage,
            SafetyAction.Review,
            "review.pending",
            "This answer is being checked by a person before it is shown.",
            new Dictionary<string, string>
            {
                ["review_id"] = held.ReviewId,
                ["review_requested_by"] = review.Stage,
                ["review_code"] = review.Code,
                ["deadline"] = held.Deadline.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            });
        call.Add(pending, SafetyPhase.Review);
        call.Timed(start, pending);
        return new StageOutcome(SafeChatStatus.PendingReview, null, pending.InPhase(SafetyPhase.Review));
    }

    /// <summary>The text of one message as a reviewer reads it: its text parts, and <c>[image]</c> for each image.</summary>
    private static string ReviewTextOf(SafetyMessage message) =>
        string.Join("\n", message.Parts.Select(static p => p.Kind == MessagePartKind.Image ? "[image]" : p.Text ?? string.Empty));

    /// <summary>
    /// Runs identity, hardening, the budget reservation and the input guards; returns the outcome when
    /// one of them ends the call. Guards that run concurrently with the model are put in
    /// <paramref name="concurrentGuards"/> instead, or run in order when it is <see langword="null"/> (streaming).
    /// </summary>
    private async Task<StageOutcome?> RunInputGuardsAsync(PipelineCall call, List<IInputGuard>? concurrentGuards, CancellationToken cancellationToken)
    {
        ApplyIdentity(call);
        ApplyHardening(call);
        if (await CheckAccessAsync(call, cancellationToken).ConfigureAwait(false) is { } suspended)
        {
            return call.Blocked(suspended);
        }

        var budgetStart = _budgetTracker is null ? default : call.Mark(BudgetStage, SafetyPhase.Budget);
        var budgetBlock = await ReserveBudgetAsync(call, cancellationToken).ConfigureAwait(false);
        call.Timed(budgetStart);

        if (budgetBlock is not null)
        {
            return call.Blocked(budgetBlock);
        }

        foreach (var guard in _inputGuards)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (concurrentGuards is not null && guard is IConcurrentInputGuard { RunsConcurrentlyWithModel: true })
            {
                concurrentGuards.Add(guard);
                continue;
            }

            var (judgeBudgetBlock, inspected) = await InspectAsync(call, guard, cancellationToken).ConfigureAwait(false);
            if (judgeBudgetBlock is not null)
            {
                return call.Blocked(judgeBudgetBlock);
            }

            var result = inspected!;
            if (result.Verdict.Action == SafetyAction.Block)
            {
                return call.Blocked(result.Verdict);
            }

            if (result.Answer is { } answer)
            {
                // Validated material answers the request: the model is not called, nothing is billed.
                call.AnsweredWithoutModel = true;
                return PipelineCall.Completed(answer);
            }

            if (result.RewrittenMessages is { } rewritten)
            {
                call.Request = call.Request.WithMessages(rewritten);
            }

            if (result.RewrittenSources is { } sources)
            {
                call.Request = call.Request.WithSources(sources);
            }
        }

        return null;
    }

    /// <summary>
    /// Runs output moderation and the validators on one answer. Returns the answer as rewrites left
    /// it, a Block or Review outcome that ends the call, or the first reask request.
    /// </summary>
    private async Task<OutputCheck> CheckOutputAsync(PipelineCall call, SafetyResponse response, CancellationToken cancellationToken)
    {
        if (_moderation is not null && _moderationOptions.CheckOutput)
        {
            var outputParts = ModeratedOutputParts(response);
            if (outputParts.Count > 0)
            {
                var verdict = await ModerateAsync(ModerationDirection.Output, outputParts, call, cancellationToken).ConfigureAwait(false);
                if (verdict.Action == SafetyAction.Block)
                {
                    return new OutputCheck(call.Blocked(verdict), response, null);
                }
            }
        }

        foreach (var validator in _outputValidators)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (validator.GetScope(call.Request) == OutputValidationScope.None)
            {
                continue;
            }

            var validatorStart = call.Mark(validator.Name, SafetyPhase.Output);
            var (budgetBlock, validated) = await ValidateAsync(call, validator, response, cancellationToken).ConfigureAwait(false);
            if (budgetBlock is not null)
            {
                call.Timed(validatorStart, budgetBlock);
                return new OutputCheck(call.Blocked(budgetBlock), response, null);
            }

            var result = validated!;
            call.Timed(validatorStart, result.ReaskFeedback is null ? result.Verdict : new SafetyVerdict(validator.Name, SafetyAction.Allow, ReaskCode));
            if (result.ReaskFeedback is not null)
            {
                return new OutputCheck(null, response, result);
            }

            call.Add(result.Verdict, SafetyPhase.Output);
            if (result.Verdict.Action == SafetyAction.Block)
            {
                return new OutputCheck(call.Blocked(result.Verdict), response, null);
            }

            if (result.RewrittenResponse is { } rewritten)
            {
                response = rewritten;
                call.Response = rewritten;
            }
        }

        return new OutputCheck(null, response, null);
    }

    private static SafetyVerdict ReaskVerdict(SafetyVerdict rejection, int attempt)
    {
        var evidence = new Dictionary<string, string>(rejection.Evidence, StringComparer.Ordinal)
        {
            ["reason_code"] = rejection.Code,
            ["attempt"] = attempt.ToString(CultureInfo.InvariantCulture),
        };
        return new SafetyVerdict(rejection.Stage, SafetyAction.Allow, ReaskCode, evidence: evidence);
    }

    private static List<SafetyMessage> ReaskMessages(IReadOnlyList<SafetyMessage> messages, SafetyResponse rejected, string feedback)
    {
        var answer = rejected.Text.Length > 0 ? rejected.Text : rejected.Refusal ?? string.Empty;
        var next = new List<SafetyMessage>(messages.Count + 2);
        next.AddRange(messages);
        next.Add(SafetyMessage.FromText(MessageRole.Assistant, answer));
        next.Add(SafetyMessage.FromText(
            MessageRole.User,
            "Your previous answer was rejected by an automatic check:\n" + feedback
                + "\nAnswer the original request again, correcting these problems. Reply with the corrected answer only."));
        return next;
    }

    private void ApplyIdentity(PipelineCall call)
    {
        var request = call.Request;
        if (request.SafetyIdentifier is not null)
        {
            // The caller set its own safety identifier: it is kept, never overwritten.
            call.Add(new SafetyVerdict("SafetyIdentifier", SafetyAction.Allow, "identity.caller_supplied"), SafetyPhase.Identity);
            return;
        }

        if (!string.IsNullOrEmpty(request.Identity.UserId))
        {
            call.Request = request.With(_hasher.ComputeSafetyIdentifier(request.Identity.UserId), request.Parameters, request.AuditId);
        }
    }

    private void ApplyHardening(PipelineCall call)
    {
        var changes = new List<SafetyVerdict>();
        var parameters = _hardening.Apply(call.Request.Model, call.Request.Parameters, changes);
        foreach (var change in changes)
        {
            call.Add(change, SafetyPhase.Hardening);
        }

        call.Request = call.Request.With(call.Request.SafetyIdentifier, parameters, call.Request.AuditId);
    }

    /// <summary>Blocks a caller the limited-release gate does not admit, or a suspended user, before anything is reserved or sent.</summary>
    private async ValueTask<SafetyVerdict?> CheckAccessAsync(PipelineCall call, CancellationToken cancellationToken)
    {
        if (_limitedRelease is null && _accessPolicy is null)
        {
            return null;
        }

        var start = call.Mark(UserAccessCodes.StageName, SafetyPhase.Access);
        if (_limitedRelease?.Refuse(call.Request.Identity) is { } refusal)
        {
            var notAdmitted = SafetyVerdict.Block(
                UserAccessCodes.StageName,
                UserAccessCodes.NotAdmitted,
                "This assistant is in a limited release and is not yet available to this account.",
                new Dictionary<string, string> { ["reason"] = refusal });
            call.Add(notAdmitted, SafetyPhase.Access);
            call.Timed(start, notAdmitted);
            return notAdmitted;
        }

        if (_accessPolicy is null)
        {
            call.Timed(start);
            return null;
        }

        var suspension = await _accessPolicy.GetSuspensionAsync(SubjectOf(call.Request).User, cancellationToken).ConfigureAwait(false);
        if (suspension is null)
        {
            call.Timed(start);
            return null;
        }

        var verdict = SafetyVerdict.Block(
            UserAccessCodes.StageName,
            UserAccessCodes.Suspended,
            $"This account is suspended until {suspension.Until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC.",
            new Dictionary<string, string>
            {
                ["reason"] = suspension.Reason,
                ["until"] = suspension.Until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            });
        call.Add(verdict, SafetyPhase.Access);
        call.Timed(start, verdict);
        return verdict;
    }

    private async ValueTask<SafetyVerdict?> ReserveBudgetAsync(PipelineCall call, CancellationToken cancellationToken)
    {
        // Priced before anything else is spent: an unknown model is charged at the fallback price
        // or blocked, never counted as free.
        var pricing = _pricing.Resolve(call.Request.Model, PipelineStage);
        if (pricing.Verdict is { } priceVerdict)
        {
            call.Add(priceVerdict, SafetyPhase.Budget);
            if (priceVerdict.Action == SafetyAction.Block)
            {
                return priceVerdict;
            }
        }

        if (_budgetTracker is null)
        {
            return null;
        }

        // Reserve with a cheap upper bound of the prompt tokens (never less than the exact count,
        // so nothing can be overspent) and run the tokenizer only when that bound is denied:
        // no call is denied that an exact count would admit.
        var request = call.Request;
        var upperBound = _tokenCounter.CountPromptTokensUpperBound(request.Messages, request.Model);
        var reservation = await ReserveAsync(call, upperBound, pricing.Price, cancellationToken).ConfigureAwait(false);
        if (!reservation.IsGranted)
        {
            var exact = _tokenCounter.CountPromptTokens(request.Messages, request.Model);
            if (exact < upperBound)
            {
                reservation = await ReserveAsync(call, exact, pricing.Price, cancellationToken).ConfigureAwait(false);
            }
        }

        call.Add(reservation.Verdict, SafetyPhase.Budget);
        if (!reservation.IsGranted)
        {
            return reservation.Verdict;
        }

        call.Reservation = reservation;
        return null;
    }

    private async ValueTask<BudgetReservation> ReserveAsync(PipelineCall call, int promptTokens, ModelPrice? price, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var maxOutput = request.Parameters.MaxOutputTokens ?? 0;
        decimal? estimate = price?.CostOf(new TokenUsage(promptTokens, maxOutput));
        var budgetRequest = new BudgetRequest(SubjectOf(request), request.Model, promptTokens, maxOutput, estimate);
        try
        {
            return await _budgetTracker!.ReserveAsync(budgetRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A tracker that cannot answer fails closed, visibly: spending that cannot be counted is
            // not allowed, and the trail says why (budget.unavailable, failure_policy=fail_closed).
            return new BudgetReservation(budgetRequest, BudgetVerdicts.Unavailable(_budgetTracker!.Name, ex.GetType().Name));
        }
    }

    /// <summary>
    /// The budget keys of a call: the safety identifier; for a call without a user, its own
    /// session's anonymous user (so one anonymous visitor cannot spend every anonymous visitor's
    /// budget), else <c>anonymous</c>; the hashed session id; the tenant id.
    /// </summary>
    private BudgetSubject SubjectOf(SafetyRequest request)
    {
        var session = string.IsNullOrEmpty(request.Identity.SessionId) ? null : _hasher.HashSessionId(request.Identity.SessionId);
        var user = request.SafetyIdentifier
            ?? (session is null ? BudgetSubject.AnonymousUser : BudgetSubject.AnonymousUser + ":" + session);
        var tenant = string.IsNullOrEmpty(request.Identity.TenantId) ? null : request.Identity.TenantId;
        return new BudgetSubject(user, session, tenant);
    }

    private async Task<SafetyVerdict> ModerateAsync(ModerationDirection direction, IReadOnlyList<MessagePart> parts, PipelineCall call, CancellationToken cancellationToken)
    {
        var phase = direction == ModerationDirection.Input ? SafetyPhase.InputModeration : SafetyPhase.OutputModeration;
        var start = call.Mark(_moderation!.Name, phase);
        var verdict = await _moderation.ModerateAsync(direction, parts, call.Request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Moderation check '{_moderation.Name}' returned no verdict.");
        call.Timed(start, verdict);
        call.Add(verdict, phase);
        if (verdict.Code == "moderation.failed_open")
        {
            LogModerationFailedOpen(_logger, call.Request.AuditId, direction, verdict.Evidence.GetValueOrDefault("error"));
        }

        return verdict;
    }

    private static async Task<SafetyResponse> CallModelAsync(PipelineCall call, SafetyModelInvoker invokeModel, CancellationToken cancellationToken)
    {
        var start = call.Mark(ModelStage, SafetyPhase.Model);
        var response = await InvokeModelAsync(call.Request, invokeModel, cancellationToken).ConfigureAwait(false);
        RecordModelResponse(call, response);
        call.Timed(start);
        return response;
    }

    private static async Task<SafetyResponse> InvokeModelAsync(SafetyRequest request, SafetyModelInvoker invokeModel, CancellationToken cancellationToken) =>
        await invokeModel(request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The model invoker returned no response.");

    private static void RecordModelResponse(PipelineCall call, SafetyResponse response)
    {
        call.Response = response;
        call.Add(ModelVerdict(response), SafetyPhase.Model);
    }

    private static async Task CancelAndObserveAsync(PipelineCall call, CancellationTokenSource cancellation, Task<SafetyResponse> modelTask, SafetyVerdict? cancelledBy)
    {
        await cancellation.CancelAsync().ConfigureAwait(false);
        try
        {
            // An answer that arrived before the cancellation was billed: keep it for settlement.
            RecordModelResponse(call, await modelTask.ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException || cancellation.IsCancellationRequested)
        {
            // The model call was abandoned on purpose; its failure is not the call's failure, and
            // with no answer its reservation is released at settlement.
            if (cancelledBy is not null)
            {
                call.Add(
                    new SafetyVerdict(ModelStage, SafetyAction.Allow, "model.cancelled", evidence: new Dictionary<string, string> { ["cancelled_by"] = cancelledBy.Stage, ["cancelled_by_code"] = cancelledBy.Code }),
                    SafetyPhase.Model);
            }
        }
    }

    private static SafetyVerdict ModelVerdict(SafetyResponse response)
    {
        var evidence = new Dictionary<string, string>
        {
            ["finish_reason"] = response.FinishReason ?? "unknown",
        };
        if (response.Usage is { } usage)
        {
            evidence["input_tokens"] = usage.InputTokens.ToString(CultureInfo.InvariantCulture);
            evidence["output_tokens"] = usage.OutputTokens.ToString(CultureInfo.InvariantCulture);
        }

        return new SafetyVerdict("Model", SafetyAction.Allow, "model.completed", evidence: evidence);
    }

    private async Task<AuditRecord> WriteAuditAsync(PipelineCall call, SafetyPipelineResult? result, Exception? failure, bool cancelledByCaller)
    {
        var outcome = result?.Status switch
        {
            SafeChatStatus.Completed => AuditOutcome.Completed,
            SafeChatStatus.Blocked => AuditOutcome.Blocked,
            SafeChatStatus.PendingReview => AuditOutcome.PendingReview,

            // Cancelled means the caller gave up. A cancellation nobody asked for (the SDK reports
            // its network timeout as one) is a failure of the call.
            _ => failure is OperationCanceledException && cancelledByCaller ? AuditOutcome.Cancelled : AuditOutcome.Failed,
        };
        var record = new AuditRecord
        {
            AuditId = call.Request.AuditId,
            Timestamp = call.StartedAt,
            SafetyIdentifier = call.Request.SafetyIdentifier,
            SessionHash = string.IsNullOrEmpty(call.Request.Identity.SessionId) ? null : _hasher.HashSessionId(call.Request.Identity.SessionId),
            TenantId = string.IsNullOrEmpty(call.Request.Identity.TenantId) ? null : call.Request.Identity.TenantId,
            Model = call.Request.Model,
            Outcome = outcome,
            InputHash = _hasher.HashContent(call.OriginalUserText),
            OutputHash = result?.Response is { } returned ? _hasher.HashContent(returned.Text) : null,
            VerdictCodes = call.Verdicts.Select(v => v.Stage + ":" + v.Code).ToArray(),
            DecisiveCode = result?.DecisiveVerdict?.Code,
            Usage = call.BilledUsage,
            CostUsd = call.CostUsd,
            Duration = call.Elapsed,
            StageDurations = call.StageDurations,
            ModerationScores = ModerationScoresOf(call.Verdicts),
            ErrorType = failure?.GetType().FullName,
            ReviewId = call.ReviewId,
            EncryptedInput = _contentProtector?.Protect(call.OriginalUserText, call.Request.AuditId),
            EncryptedOutput = result?.Response is { } answer ? _contentProtector?.Protect(answer.Text, call.Request.AuditId) : null,
        };

        if (result?.DecisiveVerdict is { } decisive)
        {
            LogCallStopped(_logger, record.AuditId, decisive.Stage, decisive.Code);
        }

        try
        {
            await _auditSink.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (failure is not null)
        {
            // The call already failed with its own exception, which the caller must see unchanged;
            // the record is kept in the error log rather than dropped.
            LogAuditWriteFailed(_logger, ex.GetType().FullName, record.AuditId, record.Outcome, record.SafetyIdentifier, string.Join(' ', record.VerdictCodes), record.InputHash);
        }

        return record;
    }

    /// <summary>The top category score of each moderation verdict, read from the evidence the moderation check writes.</summary>
    private static AuditModerationScore[] ModerationScoresOf(IReadOnlyList<SafetyVerdict> verdicts)
    {
        List<AuditModerationScore>? scores = null;
        foreach (var verdict in verdicts)
        {
            if (verdict.Phase is not (SafetyPhase.InputModeration or SafetyPhase.OutputModeration))
            {
                continue;
            }

            // A block is a flag; a grey-zone Review verdict carries its score as top_* but is not one.
            var flagged = verdict.Action == SafetyAction.Block;
            var (categoryKey, scoreKey) = verdict.Evidence.ContainsKey("top_category") ? ("top_category", "top_score") : ("max_category", "max_score");
            if (verdict.Evidence.TryGetValue(categoryKey, out var category)
                && verdict.Evidence.TryGetValue(scoreKey, out var text)
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
            {
                (scores ??= []).Add(new AuditModerationScore(verdict.Phase, category, score, flagged));
            }
        }

        return scores is null ? [] : scores.ToArray();
    }

    private async Task SettleAsync(PipelineCall call)
    {
        if (call.AnsweredWithoutModel)
        {
            call.BilledUsage = TokenUsage.Zero;
            call.CostUsd = 0m;
        }

        // A call that reached the model was priced when it was reserved (an unpriced model under
        // the Block policy never gets this far), so its cost is never a silent zero.
        var price = _pricing.Resolve(call.Request.Model, PipelineStage).Price;
        var attempts = call.AllAttempts().ToList();
        var usages = new TokenUsage?[attempts.Count];
        var costs = new decimal?[attempts.Count];
        for (var i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].Response is { } response)
            {
                var usage = MeasureUsage(call, attempts[i].Request, response);
                usages[i] = usage;
                costs[i] = price?.CostOf(usage);
                call.BilledUsage = call.BilledUsage is { } sum ? sum.Add(usage) : usage;
                call.CostUsd = costs[i] is { } cost ? (call.CostUsd ?? 0m) + cost : call.CostUsd;
            }
        }

        // The stages' own model calls (judges) are part of what the call cost.
        var stageUsages = new StageModelUsage?[call.StageCharges.Count];
        for (var i = 0; i < stageUsages.Length; i++)
        {
            if (call.StageCharges[i].Billed() is { } billed)
            {
                stageUsages[i] = billed;
                call.CostUsd = billed.CostUsd is { } cost ? (call.CostUsd ?? 0m) + cost : call.CostUsd;
            }
        }

        call.StageModelUsages = stageUsages.OfType<StageModelUsage>().ToArray();

        // Every reservation is settled or released, even when another one fails: nothing stays reserved.
        List<Exception>? failures = null;
        for (var i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].Reservation is not { } reservation)
            {
                continue;
            }

            try
            {
                if (usages[i] is { } usage)
                {
                    await _budgetTracker!.SettleAsync(reservation, usage, costs[i], CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    // Not reached, failed or cancelled before an answer: nothing was billed that we can know of.
                    await _budgetTracker!.ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                (failures ??= []).Add(ex);
            }
        }

        for (var i = 0; i < stageUsages.Length; i++)
        {
            if (call.StageCharges[i].Reservation is not { } reservation)
            {
                continue;
            }

            try
            {
                if (stageUsages[i] is { } billed)
                {
                    await _budgetTracker!.SettleAsync(reservation, billed.Usage, billed.CostUsd, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    // The stage never started: its judge was never asked.
                    await _budgetTracker!.ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }
    }

    private TokenUsage MeasureUsage(PipelineCall call, SafetyRequest request, SafetyResponse response)
    {
        if (response.Usage is { } usage)
        {
            return usage;
        }

        // The endpoint reported no usage: count it ourselves rather than record a silent zero.
        call.Add(new SafetyVerdict(PipelineStage, SafetyAction.Allow, "usage.estimated"), SafetyPhase.Settle);
        var output = _tokenCounter.CountTokens(response.Text, request.Model);

        // The provider stops at the output cap, so text past it (an endpoint that ignored the cap
        // and streamed on) was not billed beyond the cap that was reserved.
        return new TokenUsage(
            _tokenCounter.CountPromptTokens(request.Messages, request.Model),
            request.Parameters.MaxOutputTokens is { } cap ? Math.Min(output, cap) : output);
    }

    private static List<MessagePart> ModeratedInputParts(SafetyRequest request)
    {
        var parts = new List<MessagePart>();
        foreach (var part in request.UserAuthoredParts())
        {
            if ((part.Kind == MessagePartKind.Text && !string.IsNullOrWhiteSpace(part.Text)) || part.Kind == MessagePartKind.Image)
            {
                parts.Add(part);
            }
        }

        return parts;
    }

    private static List<MessagePart> ModeratedOutputParts(SafetyResponse response)
    {
        var parts = new List<MessagePart>();
        foreach (var part in response.Parts)
        {
            if (part.Kind == MessagePartKind.Text && !string.IsNullOrWhiteSpace(part.Text))
            {
                parts.Add(part);
            }
        }

        foreach (var call in response.ToolCalls)
        {
            // Tool-call arguments are model output too: an agent acts on them.
            if (!string.IsNullOrWhiteSpace(call.Arguments))
            {
                parts.Add(MessagePart.FromText(call.Arguments));
            }
        }

        if (!string.IsNullOrWhiteSpace(response.Refusal))
        {
            parts.Add(MessagePart.FromText(response.Refusal));
        }

        return parts;
    }

    private List<SafetyStageDescriptor> DescribeStages()
    {
        var stages = new List<SafetyStageDescriptor>();
        if (_limitedRelease is not null)
        {
            stages.Add(new(SafetyPhase.Access, "LimitedRelease", typeof(LimitedReleaseGate)));
        }

        if (_budgetTracker is not null)
        {
            stages.Add(new(SafetyPhase.Budget, _budgetTracker.Name, _budgetTracker.GetType()));
        }

        stages.AddRange(_inputGuards.Select(g => new SafetyStageDescriptor(SafetyPhase.Input, g.Name, g.GetType())));
        if (_moderation is not null && _moderationOptions.CheckInput)
        {
            stages.Add(new(SafetyPhase.InputModeration, _moderation.Name, _moderation.GetType()));
        }

        if (_moderation is not null && _moderationOptions.CheckOutput)
        {
            stages.Add(new(SafetyPhase.OutputModeration, _moderation.Name, _moderation.GetType()));
        }

        stages.AddRange(_outputValidators.Select(v => new SafetyStageDescriptor(SafetyPhase.Output, v.Name, v.GetType())));
        return stages;
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "SafeOpenAI audit sink failed ({ErrorType}) for failed call {AuditId} {Outcome}: safety_identifier={SafetyIdentifier} verdicts=[{VerdictCodes}] input_hash={InputHash}")]
    private static partial void LogAuditWriteFailed(ILogger logger, string? errorType, string auditId, AuditOutcome outcome, string? safetyIdentifier, string verdictCodes, string inputHash);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "SafeOpenAI call {AuditId} stopped by {Stage}: {Code}")]
    private static partial void LogCallStopped(ILogger logger, string auditId, string stage, string code);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "SafeOpenAI call {AuditId}: {Direction} moderation failed ({Error}) and was let through by the FailOpen policy")]
    private static partial void LogModerationFailedOpen(ILogger logger, string auditId, ModerationDirection direction, string? error);
}

/// <summary>What the output stages made of one answer.</summary>
internal readonly record struct OutputCheck(StageOutcome? Stop, SafetyResponse Response, OutputValidationResult? Reask);
