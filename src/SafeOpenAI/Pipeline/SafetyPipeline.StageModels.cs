using System.Diagnostics;

namespace SafeOpenAI;

/// <summary>The budgeting of stages' own model calls (<see cref="IModelBackedStage"/>), and input guards that run beside the model call (<see cref="IConcurrentInputGuard"/>).</summary>
public sealed partial class SafetyPipeline
{
    /// <summary>
    /// Prices and reserves the model call a stage is about to make. Returns the Block verdict that
    /// ends the call (an unpriced model under the Block policy, a denied reservation), else the
    /// charge to report to (or <see langword="null"/> when the stage calls no model).
    /// </summary>
    private async ValueTask<(SafetyVerdict? Block, StageCharge? Charge)> ReserveStageModelCallAsync(
        PipelineCall call, object stage, string stageName, SafetyResponse? response, SafetyPhase phase, CancellationToken cancellationToken)
    {
        if (stage is not IModelBackedStage backed || backed.PlanModelCall(call.Request, response) is not { } plan)
        {
            return (null, null);
        }

        var pricing = _pricing.Resolve(plan.Model, stageName);
        if (pricing.Verdict is { } priceVerdict)
        {
            call.Add(priceVerdict, phase);
            if (priceVerdict.Action == SafetyAction.Block)
            {
                return (priceVerdict, null);
            }
        }

        var upperBound = _tokenCounter.CountPromptTokensUpperBound(plan.Prompt, plan.Model);
        var charge = new StageCharge(stageName, plan.Model, new TokenUsage(upperBound, plan.MaxOutputTokens), pricing.Price);
        if (_budgetTracker is not null)
        {
            var reservation = await ReserveStageAsync(call, plan, upperBound, pricing.Price, cancellationToken).ConfigureAwait(false);
            if (!reservation.IsGranted)
            {
                // As for the main call: the tokenizer runs only when the cheap bound is denied.
                var exact = _tokenCounter.CountPromptTokens(plan.Prompt, plan.Model);
                if (exact < upperBound)
                {
                    reservation = await ReserveStageAsync(call, plan, exact, pricing.Price, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!reservation.IsGranted)
            {
                call.Add(reservation.Verdict, SafetyPhase.Budget);
                return (reservation.Verdict, null);
            }

            charge.Reservation = reservation;
        }

        call.StageCharges.Add(charge);
        return (null, charge);
    }

    private ValueTask<BudgetReservation> ReserveStageAsync(PipelineCall call, StageModelCall plan, int promptTokens, ModelPrice? price, CancellationToken cancellationToken) =>
        _budgetTracker!.ReserveAsync(
            new BudgetRequest(SubjectOf(call.Request), plan.Model, promptTokens, plan.MaxOutputTokens, price?.CostOf(new TokenUsage(promptTokens, plan.MaxOutputTokens))),
            cancellationToken);

    /// <summary>Runs one input guard in order: its model call reserved first, its verdict added to the trail.</summary>
    private async Task<(SafetyVerdict? Block, InputGuardResult? Result)> InspectAsync(PipelineCall call, IInputGuard guard, CancellationToken cancellationToken)
    {
        var (block, charge) = await ReserveStageModelCallAsync(call, guard, guard.Name, null, SafetyPhase.Input, cancellationToken).ConfigureAwait(false);
        if (block is not null)
        {
            return (block, null);
        }

        var start = call.Mark(guard.Name, SafetyPhase.Input);
        if (charge is not null)
        {
            charge.Started = true;
        }

        var result = await guard.InspectAsync(call.Request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Input guard '{guard.Name}' returned no result.");
        if (charge is not null)
        {
            charge.Reported = result.ModelUsage;
        }

        call.Timed(start, result.Verdict);
        call.Add(result.Verdict, SafetyPhase.Input);
        return (null, result);
    }

    /// <summary>Runs one output validator: its model call reserved first. The caller adds the verdict (a reask is recorded differently).</summary>
    private async Task<(SafetyVerdict? Block, OutputValidationResult? Result)> ValidateAsync(PipelineCall call, IOutputValidator validator, SafetyResponse response, CancellationToken cancellationToken)
    {
        var (block, charge) = await ReserveStageModelCallAsync(call, validator, validator.Name, response, SafetyPhase.Output, cancellationToken).ConfigureAwait(false);
        if (block is not null)
        {
            return (block, null);
        }

        if (charge is not null)
        {
            charge.Started = true;
        }

        var result = await validator.ValidateAsync(call.Request, response, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Output validator '{validator.Name}' returned no result.");
        if (charge is not null)
        {
            charge.Reported = result.ModelUsage;
        }

        return (null, result);
    }

    /// <summary>
    /// Calls the model while input moderation (when it runs concurrently) and the concurrent input
    /// guards decide. The first Block cancels the model call (its reservation is then released at
    /// settlement, and an answer that arrived anyway is kept only for billing) and the other checks.
    /// Only this method touches the call's state, after each check completes, so the checks and the
    /// model never race on it.
    /// </summary>
    private async Task<(SafetyVerdict? Block, SafetyResponse? Response)> CallModelWithConcurrentChecksAsync(
        PipelineCall call, List<MessagePart> moderatedParts, List<IInputGuard> guards, SafetyModelInvoker invokeModel, CancellationToken cancellationToken)
    {
        // Every check's model call is reserved before anything starts: a denied reservation ends
        // the call before the model is asked.
        var charges = new StageCharge?[guards.Count];
        for (var i = 0; i < guards.Count; i++)
        {
            var (block, charge) = await ReserveStageModelCallAsync(call, guards[i], guards[i].Name, null, SafetyPhase.Input, cancellationToken).ConfigureAwait(false);
            if (block is not null)
            {
                return (block, null);
            }

            charges[i] = charge;
        }

        var current = Activity.Current;
        using var modelCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var checksCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var modelStart = call.Mark(ModelStage, SafetyPhase.Model);
        var modelTask = InvokeModelAsync(call.Request, invokeModel, modelCancellation.Token);
        var running = new List<ConcurrentCheck>(guards.Count + 1);
        try
        {
            if (moderatedParts.Count > 0)
            {
                var mark = call.Mark(_moderation!.Name, SafetyPhase.InputModeration);
                running.Add(new ConcurrentCheck(ModerateOnlyAsync(moderatedParts, call.Request, checksCancellation.Token), mark, null, null));
            }

            for (var i = 0; i < guards.Count; i++)
            {
                var mark = call.Mark(guards[i].Name, SafetyPhase.Input);
                if (charges[i] is { } charge)
                {
                    charge.Started = true;
                }

                running.Add(new ConcurrentCheck(InspectOnlyAsync(guards[i], call.Request, checksCancellation.Token), mark, guards[i], charges[i]));
            }
        }
        finally
        {
            Activity.Current = current;
        }

        try
        {
            return await AwaitConcurrentChecksAsync(call, running, modelStart, modelTask, modelCancellation, checksCancellation).ConfigureAwait(false);
        }
        finally
        {
            // The checks' spans end in the order they finish; the caller's current activity is
            // restored whatever happened, so later stages' HTTP spans never nest under an ended one.
            Activity.Current = current;
        }
    }

    private async Task<(SafetyVerdict? Block, SafetyResponse? Response)> AwaitConcurrentChecksAsync(
        PipelineCall call, List<ConcurrentCheck> running, StageMark modelStart, Task<SafetyResponse> modelTask, CancellationTokenSource modelCancellation, CancellationTokenSource checksCancellation)
    {
        try
        {
            while (running.Count > 0)
            {
                var done = await Task.WhenAny(running.Select(static c => c.Task)).ConfigureAwait(false);
                var check = running.Find(c => c.Task == done);
                running.Remove(check);
                var verdict = Record(call, check, await done.ConfigureAwait(false));
                if (verdict.Action == SafetyAction.Block)
                {
                    // The answer to a blocked input is never returned; stop paying for it.
                    await CancelAndObserveAsync(call, modelCancellation, modelTask, verdict).ConfigureAwait(false);
                    await CancelChecksAsync(call, checksCancellation, running).ConfigureAwait(false);
                    return (verdict, null);
                }
            }
        }
        catch
        {
            await CancelAndObserveAsync(call, modelCancellation, modelTask, null).ConfigureAwait(false);
            await CancelChecksAsync(call, checksCancellation, running).ConfigureAwait(false);
            throw;
        }

        var response = await modelTask.ConfigureAwait(false);
        RecordModelResponse(call, response);
        call.Timed(modelStart);
        return (null, response);
    }

    private static async Task<InputGuardResult> InspectOnlyAsync(IInputGuard guard, SafetyRequest request, CancellationToken cancellationToken) =>
        await guard.InspectAsync(request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Input guard '{guard.Name}' returned no result.");

    private async Task<InputGuardResult> ModerateOnlyAsync(IReadOnlyList<MessagePart> parts, SafetyRequest request, CancellationToken cancellationToken) =>
        InputGuardResult.FromVerdict(await _moderation!.ModerateAsync(ModerationDirection.Input, parts, request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Moderation check '{_moderation.Name}' returned no verdict."));

    /// <summary>Adds a finished concurrent check's verdict to the trail, as its sequential run would.</summary>
    private SafetyVerdict Record(PipelineCall call, ConcurrentCheck check, InputGuardResult result)
    {
        if (check.Guard is null)
        {
            call.Timed(check.Mark, result.Verdict);
            call.Add(result.Verdict, SafetyPhase.InputModeration);
            if (result.Verdict.Code == "moderation.failed_open")
            {
                LogModerationFailedOpen(_logger, call.Request.AuditId, ModerationDirection.Input, result.Verdict.Evidence.GetValueOrDefault("error"));
            }

            return result.Verdict;
        }

        if (check.Charge is { } charge)
        {
            charge.Reported = result.ModelUsage;
        }

        if (result.RewrittenMessages is not null || result.RewrittenSources is not null || result.Answer is not null)
        {
            throw new InvalidOperationException(
                $"Input guard '{check.Guard.Name}' runs concurrently with the model and so may only allow or block; it returned a rewrite or an answer, which would arrive after the model was asked.");
        }

        call.Timed(check.Mark, result.Verdict);
        call.Add(result.Verdict, SafetyPhase.Input);
        return result.Verdict;
    }

    /// <summary>Cancels the checks still running and waits for them, keeping the verdicts and usage of those that finished anyway.</summary>
    private static async Task CancelChecksAsync(PipelineCall call, CancellationTokenSource cancellation, List<ConcurrentCheck> running)
    {
        await cancellation.CancelAsync().ConfigureAwait(false);
        foreach (var check in running)
        {
            try
            {
                var result = await check.Task.ConfigureAwait(false);
                if (check.Charge is { } charge)
                {
                    charge.Reported = result.ModelUsage;
                }

                call.Timed(check.Mark, result.Verdict);
                call.Add(result.Verdict, check.Guard is null ? SafetyPhase.InputModeration : SafetyPhase.Input);
            }
            catch (Exception ex) when (ex is OperationCanceledException || cancellation.IsCancellationRequested)
            {
                // Abandoned on purpose: the call is already decided. Its judge, if it was asked, is
                // charged its planned upper bound (it reported nothing).
                call.Timed(check.Mark);
            }
        }

        running.Clear();
    }

    private readonly record struct ConcurrentCheck(Task<InputGuardResult> Task, StageMark Mark, IInputGuard? Guard, StageCharge? Charge);
}
