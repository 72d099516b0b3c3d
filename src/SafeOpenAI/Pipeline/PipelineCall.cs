using System.Text;

namespace SafeOpenAI;

/// <summary>The state of one call while it moves through the <see cref="SafetyPipeline"/>. Used by one call at a time.</summary>
internal sealed class PipelineCall
{
    private readonly List<SafetyVerdict> _verdicts = [];
    private readonly TimeProvider _timeProvider;
    private readonly long _startTimestamp;
    private readonly object _gate = new();

    public PipelineCall(SafetyRequest request, TimeProvider timeProvider)
    {
        Request = request;
        _timeProvider = timeProvider;
        _startTimestamp = timeProvider.GetTimestamp();
        StartedAt = timeProvider.GetUtcNow();
        OriginalUserText = JoinUserText(request);
    }

    public SafetyRequest Request { get; set; }

    public SafetyResponse? Response { get; set; }

    public BudgetReservation? Reservation { get; set; }

    public bool ModelReached { get; set; }

    public int PromptTokens { get; set; }

    public TokenUsage? BilledUsage { get; set; }

    public decimal? CostUsd { get; set; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the user-authored text as the caller sent it, for the audit hash (never stored as text).</summary>
    public string OriginalUserText { get; }

    public TimeSpan Elapsed => _timeProvider.GetElapsedTime(_startTimestamp);

    public IReadOnlyList<SafetyVerdict> Verdicts
    {
        get
        {
            lock (_gate)
            {
                return _verdicts.ToArray();
            }
        }
    }

    public void Add(SafetyVerdict verdict, SafetyPhase phase)
    {
        lock (_gate)
        {
            _verdicts.Add(verdict.InPhase(phase));
        }
    }

    public SafetyVerdict? FirstReview()
    {
        lock (_gate)
        {
            return _verdicts.Find(v => v.Action == SafetyAction.Review);
        }
    }

    public StageOutcome Blocked(SafetyVerdict verdict) => new(SafeChatStatus.Blocked, null, verdict.InPhase(PhaseOf(verdict)));

    public static StageOutcome Completed(SafetyResponse response) => new(SafeChatStatus.Completed, response, null);

    private SafetyPhase PhaseOf(SafetyVerdict verdict)
    {
        lock (_gate)
        {
            return _verdicts.FindLast(v => v.Stage == verdict.Stage && v.Code == verdict.Code)?.Phase ?? verdict.Phase;
        }
    }

    private static string JoinUserText(SafetyRequest request)
    {
        var builder = new StringBuilder();
        foreach (var part in request.UserAuthoredParts())
        {
            if (part.Kind == MessagePartKind.Text)
            {
                builder.Append(part.Text).Append('\n');
            }
        }

        return builder.ToString();
    }
}

/// <summary>How the stages of one call ended, before settlement and audit.</summary>
internal readonly record struct StageOutcome(SafeChatStatus Status, SafetyResponse? Response, SafetyVerdict? DecisiveVerdict);
