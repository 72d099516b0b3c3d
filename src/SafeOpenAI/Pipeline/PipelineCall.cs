using System.Diagnostics;
using System.Text;

namespace SafeOpenAI;

/// <summary>The state of one call while it moves through the <see cref="SafetyPipeline"/>. Used by one call at a time.</summary>
internal sealed class PipelineCall
{
    private readonly List<SafetyVerdict> _verdicts = [];
    private readonly TimeProvider _timeProvider;
    private readonly long _startTimestamp;
    private SafetyVerdict[]? _snapshot;
    private List<AuditStageDuration>? _durations;
    private List<Activity>? _openStages;

    public PipelineCall(SafetyRequest request, TimeProvider timeProvider, PipelineTelemetry? telemetry = null)
    {
        Request = request;
        _timeProvider = timeProvider;
        _startTimestamp = timeProvider.GetTimestamp();
        StartedAt = timeProvider.GetUtcNow();
        OriginalUserText = JoinUserText(request);
        OriginalMessages = request.Messages;
        Span = telemetry is null ? null : PipelineTelemetry.StartCall(request);
    }

    /// <summary>Gets the call's span, or <see langword="null"/> when no listener samples SafeOpenAI's activity source.</summary>
    public Activity? Span { get; }

    public SafetyRequest Request { get; set; }

    /// <summary>Gets or sets the current attempt's answer: the model's, as output rewrites left it.</summary>
    public SafetyResponse? Response { get; set; }

    /// <summary>Gets or sets the current attempt's budget reservation.</summary>
    public BudgetReservation? Reservation { get; set; }

    /// <summary>Gets the earlier model attempts of this call (answers rejected with a reask), each to be settled.</summary>
    public List<ModelAttempt> EarlierAttempts { get; } = [];

    /// <summary>Gets or sets a value indicating whether an input guard answered in place of the model (zero tokens billed).</summary>
    public bool AnsweredWithoutModel { get; set; }

    public TokenUsage? BilledUsage { get; set; }

    /// <summary>Gets the model calls of model-backed stages (judges), each to be settled with the call.</summary>
    public List<StageCharge> StageCharges { get; } = [];

    /// <summary>Gets or sets what the stages' own model calls billed, as settled; empty until settlement.</summary>
    public IReadOnlyList<StageModelUsage> StageModelUsages { get; set; } = [];

    public decimal? CostUsd { get; set; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the user-authored text as the caller sent it, for the audit hash (never stored as text).</summary>
    public string OriginalUserText { get; }

    /// <summary>Gets the conversation as the caller sent it, before any redaction or rewrite: what a human reviewer reads.</summary>
    public IReadOnlyList<SafetyMessage> OriginalMessages { get; }

    /// <summary>Gets or sets the id of the human review that holds this call's answer, or <see langword="null"/>.</summary>
    public string? ReviewId { get; set; }

    public TimeSpan Elapsed => _timeProvider.GetElapsedTime(_startTimestamp);

    /// <summary>Gets how long each stage took so far, in the order they ended.</summary>
    public IReadOnlyList<AuditStageDuration> StageDurations => _durations is null ? [] : _durations.ToArray();

    /// <summary>
    /// Starts timing <paramref name="stage"/> and, when the call is traced, starts its child span
    /// (current until <see cref="Timed"/>, so the spans of the stage's own HTTP calls nest under it).
    /// Pass the mark to <see cref="Timed"/> when the stage ends; a stage that throws never reaches
    /// it, and its span is ended with the error when the call ends (<see cref="AbandonOpenStages"/>).
    /// </summary>
    public StageMark Mark(string stage, SafetyPhase phase)
    {
        if (Span is null)
        {
            return new StageMark(stage, phase, _timeProvider.GetTimestamp(), _verdicts.Count, null, null);
        }

        var previous = Activity.Current;
        var span = PipelineTelemetry.StartStage(Span, stage, phase);
        if (span is not null)
        {
            lock (_verdicts)
            {
                (_openStages ??= []).Add(span);
            }
        }

        return new StageMark(stage, phase, _timeProvider.GetTimestamp(), _verdicts.Count, span, previous);
    }

    /// <summary>
    /// Records that the stage of <paramref name="mark"/> ran until now and ends its span, tagged with
    /// <paramref name="verdict"/> or else with the most severe verdict the stage added in its phase
    /// since the mark. A default mark (a stage that did not run) is ignored.
    /// </summary>
    public void Timed(in StageMark mark, SafetyVerdict? verdict = null)
    {
        if (mark.Stage is null)
        {
            return;
        }

        (_durations ??= []).Add(new AuditStageDuration(mark.Stage, mark.Phase, _timeProvider.GetElapsedTime(mark.Start)));
        if (mark.Span is { } span)
        {
            lock (_verdicts)
            {
                _openStages?.Remove(span);
            }

            PipelineTelemetry.EndStage(span, verdict ?? MostSevereSince(mark), mark.Previous);
        }
    }

    /// <summary>Ends the spans of stages that never reached <see cref="Timed"/>, with <paramref name="errorType"/> when the call failed.</summary>
    public void AbandonOpenStages(string? errorType)
    {
        Activity[] open;
        lock (_verdicts)
        {
            if (_openStages is not { Count: > 0 })
            {
                return;
            }

            open = _openStages.ToArray();
            _openStages.Clear();
        }

        for (var i = open.Length - 1; i >= 0; i--)
        {
            PipelineTelemetry.AbandonStage(open[i], errorType);
        }
    }

    /// <summary>Gets the trail so far. Stages add verdicts one after another (a concurrent moderation result is added after it is awaited), so no lock is needed.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts => _snapshot ??= _verdicts.ToArray();

    private SafetyVerdict? MostSevereSince(in StageMark mark)
    {
        SafetyVerdict? chosen = null;
        for (var i = mark.FirstVerdict; i < _verdicts.Count; i++)
        {
            var candidate = _verdicts[i];
            if (candidate.Phase == mark.Phase && (chosen is null || candidate.Action > chosen.Action))
            {
                chosen = candidate;
            }
        }

        return chosen;
    }

    public void Add(SafetyVerdict verdict, SafetyPhase phase)
    {
        _verdicts.Add(verdict.InPhase(phase));
        _snapshot = null;
    }

    /// <summary>Starts a new model attempt with <paramref name="request"/>; the current one is kept for settlement.</summary>
    public void BeginAttempt(SafetyRequest request)
    {
        EarlierAttempts.Add(new ModelAttempt(Request, Reservation, Response));
        Request = request;
        Reservation = null;
        Response = null;
    }

    /// <summary>Every attempt, earlier ones first, the current one last.</summary>
    public IEnumerable<ModelAttempt> AllAttempts()
    {
        foreach (var attempt in EarlierAttempts)
        {
            yield return attempt;
        }

        yield return new ModelAttempt(Request, Reservation, Response);
    }

    public SafetyVerdict? FirstReview() => _verdicts.Find(static v => v.Action == SafetyAction.Review);

    public StageOutcome Blocked(SafetyVerdict verdict) => new(SafeChatStatus.Blocked, null, verdict.InPhase(PhaseOf(verdict)));

    public static StageOutcome Completed(SafetyResponse response) => new(SafeChatStatus.Completed, response, null);

    private SafetyPhase PhaseOf(SafetyVerdict verdict) =>
        _verdicts.FindLast(v => ReferenceEquals(v, verdict) || (v.Stage == verdict.Stage && v.Code == verdict.Code))?.Phase ?? verdict.Phase;

    private static string JoinUserText(SafetyRequest request)
    {
        string? single = null;
        var count = 0;
        foreach (var part in request.UserAuthoredParts())
        {
            if (part.Kind == MessagePartKind.Text)
            {
                single = part.Text;
                count++;
            }
        }

        if (count <= 1)
        {
            // The common case, one user text, is hashed as it is, without a copy.
            return single ?? string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var part in request.UserAuthoredParts())
        {
            if (part.Kind == MessagePartKind.Text)
            {
                if (builder.Length > 0)
                {
                    builder.Append('\n');
                }

                builder.Append(part.Text);
            }
        }

        return builder.ToString();
    }
}

/// <summary>One request sent (or about to be sent) to the model, with its reservation and answer.</summary>
internal readonly record struct ModelAttempt(SafetyRequest Request, BudgetReservation? Reservation, SafetyResponse? Response);

/// <summary>
/// The start of one stage run (<see cref="PipelineCall.Mark"/>): its name and phase, the timestamp,
/// how many verdicts the call had, and its span with the span that was current before it.
/// The default value stands for a stage that did not run.
/// </summary>
internal readonly record struct StageMark(string Stage, SafetyPhase Phase, long Start, int FirstVerdict, Activity? Span, Activity? Previous);

/// <summary>How the stages of one call ended, before settlement and audit.</summary>
internal readonly record struct StageOutcome(SafeChatStatus Status, SafetyResponse? Response, SafetyVerdict? DecisiveVerdict);
