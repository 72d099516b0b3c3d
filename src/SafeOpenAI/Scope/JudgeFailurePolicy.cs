namespace SafeOpenAI;

/// <summary>What a judge-model check (<see cref="ScopeCheck"/>) does when its judge fails (see <see cref="ScopeJudgeException"/>).</summary>
public enum JudgeFailurePolicy
{
    /// <summary>
    /// Block the call with code <c>scope.judge_failed:&lt;stage&gt;</c> and evidence
    /// <c>failure_policy=fail_closed</c>. The default: an unchecked request never reaches the model.
    /// </summary>
    FailClosed = 0,

    /// <summary>
    /// Let the call through with an Allow verdict of code <c>scope.judge_failed_open:&lt;stage&gt;</c>
    /// and evidence <c>failure_policy=fail_open</c>, so the trail still shows the check did not run.
    /// </summary>
    FailOpen = 1,
}
