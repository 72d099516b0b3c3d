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

    public PipelineCall(SafetyRequest request, TimeProvider timeProvider)
    {
        Request = request;
        _timeProvider = timeProvider;
        _startTimestamp = timeProvider.GetTimestamp();
        StartedAt = timeProvider.GetUtcNow();
        OriginalUserText = JoinUserText(request);
    }

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

    public decimal? CostUsd { get; set; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the user-authored text as the caller sent it, for the audit hash (never stored as text).</summary>
    public string OriginalUserText { get; }

    public TimeSpan Elapsed => _timeProvider.GetElapsedTime(_startTimestamp);

    /// <summary>Gets how long each stage took so far, in the order they ended.</summary>
    public IReadOnlyList<AuditStageDuration> StageDurations => _durations is null ? [] : _durations.ToArray();

    /// <summary>Gets a timestamp to pass to <see cref="Timed"/> when the stage ends.</summary>
    public long Mark() => _timeProvider.GetTimestamp();

    /// <summary>Records that <paramref name="stage"/> ran from <paramref name="startTimestamp"/> until now.</summary>
    public void Timed(string stage, SafetyPhase phase, long startTimestamp) =>
        (_durations ??= []).Add(new AuditStageDuration(stage, phase, _timeProvider.GetElapsedTime(startTimestamp)));

    /// <summary>Gets the trail so far. Stages add verdicts one after another (a concurrent moderation result is added after it is awaited), so no lock is needed.</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts => _snapshot ??= _verdicts.ToArray();

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

/// <summary>How the stages of one call ended, before settlement and audit.</summary>
internal readonly record struct StageOutcome(SafeChatStatus Status, SafetyResponse? Response, SafetyVerdict? DecisiveVerdict);
