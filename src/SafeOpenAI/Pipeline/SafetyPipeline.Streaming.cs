using System.Threading.Channels;

namespace SafeOpenAI;

/// <summary>The streaming side of <see cref="SafetyPipeline"/>: output checks in sentence-aligned windows.</summary>
public sealed partial class SafetyPipeline
{
    private const string StreamStage = "StreamingWindows";

    /// <summary>
    /// Runs one streamed call through every stage. The input side is the same as
    /// <see cref="RunAsync"/> (input moderation always finishes before the model is called); the
    /// answer is checked in sentence-aligned windows by output moderation and the validators whose
    /// scope is <see cref="OutputValidationScope.Window"/>, and released through
    /// <paramref name="release"/> as <see cref="StreamingOptions.Mode"/> says.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="StreamingMode.HoldBack"/>: a window is released only after it passed, so no
    /// unchecked text reaches the caller; chunks with tool-call deltas are held until the tool calls
    /// have been checked whole at the end; when a validator needs the whole answer
    /// (<see cref="OutputValidationScope.WholeAnswer"/>), every window is held until the end.
    /// <see cref="StreamingMode.CutOff"/>: each chunk is released as it arrives and windows are
    /// checked behind it, one at a time; a failing window stops reading the model stream at once.
    /// </para>
    /// <para>
    /// A validator that asks for a reask blocks instead (a streamed answer cannot be asked for
    /// again). When the stream is stopped early the billed tokens are estimated from the text
    /// received. The model verdict is recorded when the stream ends.
    /// </para>
    /// </remarks>
    /// <param name="request">The neutral request as the front door received it.</param>
    /// <param name="invokeModel">Starts the model stream for the guarded request.</param>
    /// <param name="release">Hands released chunks to the caller.</param>
    /// <param name="cancellationToken">Cancels the call; the budget is still settled or released and the audit record still written.</param>
    /// <returns>The outcome: Completed with the answer as released, Blocked or PendingReview with the decisive verdict.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    /// <exception cref="Exception">Whatever the model stream, a stage, the releaser or the audit sink threw, unchanged.</exception>
    public Task<SafetyPipelineResult> RunStreamingAsync(SafetyRequest request, SafetyStreamInvoker invokeModel, SafetyStreamReleaser release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(invokeModel);
        ArgumentNullException.ThrowIfNull(release);
        return RunCoreAsync(request, (call, token) => RunStreamingStagesAsync(call, invokeModel, release, token), cancellationToken);
    }

    private async Task<StageOutcome> RunStreamingStagesAsync(PipelineCall call, SafetyStreamInvoker invokeModel, SafetyStreamReleaser release, CancellationToken cancellationToken)
    {
        if (await RunInputGuardsAsync(call, null, cancellationToken).ConfigureAwait(false) is { } inputStop)
        {
            return inputStop;
        }

        var inputParts = _moderation is not null && _moderationOptions.CheckInput ? ModeratedInputParts(call.Request) : [];
        if (inputParts.Count > 0)
        {
            var verdict = await ModerateAsync(ModerationDirection.Input, inputParts, call, cancellationToken).ConfigureAwait(false);
            if (verdict.Action == SafetyAction.Block)
            {
                return call.Blocked(verdict);
            }
        }

        var stream = new StreamState(call, release, new StreamWindowBuffer(_windowCharacters, _overlapCharacters));
        foreach (var validator in _outputValidators)
        {
            switch (validator.GetScope(call.Request))
            {
                case OutputValidationScope.Window:
                    stream.WindowValidators.Add(validator);
                    break;
                case OutputValidationScope.WholeAnswer:
                    stream.WholeAnswerValidators.Add(validator);
                    break;
            }
        }

        // An answer an input stage already sent to human review is never streamed, whatever the mode:
        // everything is held until the reviewer decides.
        stream.Mode = call.FirstReview() is null ? _streamingMode : StreamingMode.HoldBack;
        stream.HoldAll = stream.Mode == StreamingMode.HoldBack && (stream.WholeAnswerValidators.Count > 0 || call.FirstReview() is not null);

        // One entry for the whole stream: the model's chunks and the window checks between them
        // overlap, so they are timed together (whole-answer validators have their own entries).
        var start = call.Mark(ModelStage, SafetyPhase.Model);
        try
        {
            return stream.Mode == StreamingMode.CutOff
                ? await StreamWithCutOffAsync(stream, invokeModel, cancellationToken).ConfigureAwait(false)
                : await StreamWithHoldBackAsync(stream, invokeModel, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            call.Timed(start);
        }
    }

    private async Task<StageOutcome> StreamWithHoldBackAsync(StreamState stream, SafetyStreamInvoker invokeModel, CancellationToken cancellationToken)
    {
        using var modelCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await foreach (var chunk in invokeModel(stream.Call.Request, modelCancellation.Token).WithCancellation(modelCancellation.Token).ConfigureAwait(false))
            {
                if (stream.Accept(chunk) && stream.Windows.ShouldClose())
                {
                    var window = stream.Windows.Close(isFinal: false);
                    var checkedWindow = await CheckWindowAsync(stream, window, null, cancellationToken).ConfigureAwait(false);
                    if (checkedWindow.Stop is { } stop)
                    {
                        // Stop paying for an answer that will not be shown; what arrived so far is settled.
                        await modelCancellation.CancelAsync().ConfigureAwait(false);
                        RecordModelResponse(stream.Call, stream.PartialAnswer());
                        return stop;
                    }

                    await stream.PassAsync(window, checkedWindow.Text, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch when (stream.Started && stream.Call.Response is null)
        {
            RecordInterruptedAnswer(stream);
            throw;
        }

        return await FinishStreamAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StageOutcome> StreamWithCutOffAsync(StreamState stream, SafetyStreamInvoker invokeModel, CancellationToken cancellationToken)
    {
        using var modelCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var checkerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var windows = Channel.CreateUnbounded<ClosedWindow>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        // Windows are checked behind the stream, one at a time and in order, by this task alone;
        // the stream loop below only releases chunks, so the call's verdict trail has one writer.
        var checker = Task.Run(
            async () =>
            {
                await foreach (var window in windows.Reader.ReadAllAsync(checkerCancellation.Token).ConfigureAwait(false))
                {
                    var checkedWindow = await CheckWindowAsync(stream, window, null, checkerCancellation.Token).ConfigureAwait(false);
                    if (checkedWindow.Stop is { } stop)
                    {
                        await modelCancellation.CancelAsync().ConfigureAwait(false);
                        return stop;
                    }
                }

                return (StageOutcome?)null;
            },
            CancellationToken.None);

        try
        {
            await foreach (var chunk in invokeModel(stream.Call.Request, modelCancellation.Token).WithCancellation(modelCancellation.Token).ConfigureAwait(false))
            {
                if (checker.IsCompleted)
                {
                    break;
                }

                if (!stream.Accept(chunk))
                {
                    continue;
                }

                await stream.Release.Invoke(new SafetyStreamRelease([chunk], null), cancellationToken).ConfigureAwait(false);
                if (stream.Windows.ShouldClose())
                {
                    // The text went out as it arrived; the window's context is what preceded it.
                    var window = stream.Windows.Close(isFinal: false);
                    stream.Windows.MarkReleased(window.Text);
                    await windows.Writer.WriteAsync(window, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (modelCancellation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The checker stopped the stream because a window failed; its outcome follows.
        }
        catch
        {
            // The stream failed or the caller cancelled: stop the window checks behind it and wait
            // for them, so that nothing of this call runs (adds to its trail, reserves budget) after
            // it is settled and audited. The stream's own exception is the call's.
            if (stream.Started && stream.Call.Response is null)
            {
                RecordInterruptedAnswer(stream);
            }

            await checkerCancellation.CancelAsync().ConfigureAwait(false);
            windows.Writer.TryComplete();
            try
            {
                await checker.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Observed on purpose: the exception being rethrown below is the call's failure.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            throw;
        }
        finally
        {
            windows.Writer.TryComplete();
        }

        StageOutcome? stopped;
        try
        {
            stopped = await checker.ConfigureAwait(false);
        }
        catch when (stream.Started && stream.Call.Response is null)
        {
            // A window check threw: the answer streamed so far was billed all the same.
            RecordInterruptedAnswer(stream);
            throw;
        }

        if (stopped is { } stop)
        {
            RecordModelResponse(stream.Call, stream.PartialAnswer());
            return stop;
        }

        return await FinishStreamAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps what a stream that broke or was cancelled had already produced, so that settlement
    /// charges it: the provider billed the prompt and every token it streamed, and releasing the
    /// reservation instead would let a caller who cancels each long answer spend without limit.
    /// The usage is estimated from the text (verdict <c>usage.estimated</c>) and never exceeds what
    /// was reserved for the call's output cap.
    /// </summary>
    private static void RecordInterruptedAnswer(StreamState stream) =>
        stream.Call.Response = stream.InterruptedAnswer();

    /// <summary>Checks the last window with the whole answer's tool calls and refusal, runs the whole-answer validators, and releases what is held.</summary>
    private async Task<StageOutcome> FinishStreamAsync(StreamState stream, CancellationToken cancellationToken)
    {
        var call = stream.Call;
        var modelAnswer = stream.ModelAnswer();
        RecordModelResponse(call, modelAnswer);

        var last = stream.Windows.Close(isFinal: true);
        var checkedLast = await CheckWindowAsync(stream, last, modelAnswer, cancellationToken).ConfigureAwait(false);
        if (checkedLast.Stop is { } stop)
        {
            return stop;
        }

        string? lastRelease = checkedLast.Text;
        var answerText = stream.Windows.ReleasedText + lastRelease;
        var rewritten = stream.Rewritten;
        foreach (var validator in stream.WholeAnswerValidators)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var whole = rewritten ? modelAnswer.WithParts([MessagePart.FromText(answerText)]) : modelAnswer;
            var validatorStart = call.Mark(validator.Name, SafetyPhase.Output);
            var (budgetBlock, validated) = await ValidateAsync(call, validator, whole, cancellationToken).ConfigureAwait(false);
            if (budgetBlock is not null)
            {
                call.Timed(validatorStart, budgetBlock);
                return call.Blocked(budgetBlock);
            }

            var result = validated!;
            call.Timed(validatorStart, result.Verdict);
            call.Add(result.Verdict, SafetyPhase.Output);
            if (result.Verdict.Action == SafetyAction.Block)
            {
                return call.Blocked(result.Verdict);
            }

            if (result.RewrittenResponse is { } replacement && stream.Mode == StreamingMode.HoldBack)
            {
                // Everything is still held (HoldAll), so the whole text can be replaced.
                answerText = replacement.Text;
                rewritten = true;
                stream.ReplaceHeldText(answerText);
                lastRelease = null;
            }
        }

        var answer = rewritten ? modelAnswer.WithParts([MessagePart.FromText(answerText)]) : modelAnswer;
        var outcome = await ReviewOrCompleteAsync(call, answer).ConfigureAwait(false);
        if (outcome.Status == SafeChatStatus.Completed)
        {
            call.Response = answer;
            await stream.ReleaseRemainingAsync(last, lastRelease, stream.Mode, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>Runs output moderation and the window validators on one window.</summary>
    private async Task<WindowCheck> CheckWindowAsync(StreamState stream, ClosedWindow window, SafetyResponse? wholeAnswer, CancellationToken cancellationToken)
    {
        var call = stream.Call;
        if (_moderation is not null && _moderationOptions.CheckOutput)
        {
            var parts = new List<MessagePart>(2);
            var seen = window.Window.Context + window.Text;
            if (!string.IsNullOrWhiteSpace(seen))
            {
                parts.Add(MessagePart.FromText(seen));
            }

            if (wholeAnswer is not null)
            {
                parts.AddRange(ModeratedOutputParts(new SafetyResponse([], null, null, wholeAnswer.ToolCalls, wholeAnswer.Refusal)));
            }

            if (parts.Count > 0)
            {
                var verdict = await ModerateAsync(ModerationDirection.Output, parts, call, cancellationToken).ConfigureAwait(false);
                if (verdict.Action == SafetyAction.Block)
                {
                    return new WindowCheck(call.Blocked(verdict), window.Text);
                }

                if (verdict.Action == SafetyAction.Review)
                {
                    // A grey-zone window stops the stream like a window validator's Review: the rest is held.
                    return new WindowCheck(await ReviewOrCompleteAsync(call, stream.PartialAnswer()).ConfigureAwait(false), window.Text);
                }
            }
        }

        var response = new SafetyResponse([MessagePart.FromText(window.Text)], wholeAnswer?.Usage, wholeAnswer?.FinishReason, wholeAnswer?.ToolCalls, wholeAnswer?.Refusal)
        {
            Window = window.Window,
        };
        foreach (var validator in stream.WindowValidators)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (budgetBlock, validated) = await ValidateAsync(call, validator, response, cancellationToken).ConfigureAwait(false);
            if (budgetBlock is not null)
            {
                return new WindowCheck(call.Blocked(budgetBlock), window.Text);
            }

            var result = validated!;
            call.Add(result.Verdict, SafetyPhase.Output);
            if (result.Verdict.Action == SafetyAction.Block)
            {
                // A reask is not possible once an answer streams: its rejection blocks.
                return new WindowCheck(call.Blocked(result.Verdict), window.Text);
            }

            if (result.Verdict.Action == SafetyAction.Review)
            {
                // A held answer must not keep flowing; the reviewer reads what the model wrote so far.
                return new WindowCheck(await ReviewOrCompleteAsync(call, stream.PartialAnswer()).ConfigureAwait(false), window.Text);
            }

            if (result.RewrittenResponse is { } rewritten)
            {
                if (stream.Mode == StreamingMode.CutOff)
                {
                    // The text has already been sent: the rewrite is recorded but cannot apply.
                    call.Add(new SafetyVerdict(StreamStage, SafetyAction.Allow, "stream.rewrite_not_applied", evidence: new Dictionary<string, string> { ["validator"] = validator.Name }), SafetyPhase.Output);
                    continue;
                }

                response = rewritten;
                stream.Rewritten = true;
            }
        }

        return new WindowCheck(null, response.Text);
    }

    /// <summary>The result of one window's checks: the outcome that ends the call, or the window's text as it may be released.</summary>
    private readonly record struct WindowCheck(StageOutcome? Stop, string Text);
}
