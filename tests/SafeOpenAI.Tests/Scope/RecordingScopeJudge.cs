namespace SafeOpenAI.Tests.Scope;

/// <summary>A scope judge that records what it is asked and answers with a scripted function.</summary>
internal sealed class RecordingScopeJudge(Func<ScopeJudgeRequest, CancellationToken, Task<ScopeJudgement>> answer) : IScopeJudge
{
    public static readonly ModelCallUsage Usage = new("gpt-4.1-mini", new TokenUsage(120, 12));

    private readonly List<ScopeJudgeRequest> _requests = [];

    public IReadOnlyList<ScopeJudgeRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public static RecordingScopeJudge Answering(bool flagged, double confidence) =>
        new((_, _) => Task.FromResult(new ScopeJudgement(flagged, confidence, Usage)));

    public static RecordingScopeJudge Failing(ScopeJudgeException failure) => new((_, _) => throw failure);

    public async ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return await answer(request, cancellationToken);
    }
}
