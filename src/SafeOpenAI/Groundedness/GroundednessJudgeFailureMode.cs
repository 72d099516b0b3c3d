namespace SafeOpenAI;

/// <summary>What <see cref="GroundednessValidator"/> does when its <see cref="IGroundednessJudge"/> fails (an error, a refusal, a malformed or incomplete answer).</summary>
public enum GroundednessJudgeFailureMode
{
    /// <summary>
    /// The claims the judge was asked about count as unsupported, and the verdict's evidence says
    /// <c>judge=failed</c>: a failing judge never lets an unsettled claim pass. The default.
    /// </summary>
    TreatAsUnsupported = 0,

    /// <summary>The judge's exception (normally a <see cref="GroundednessJudgeException"/>) propagates to the caller of the validator.</summary>
    Throw = 1,
}
