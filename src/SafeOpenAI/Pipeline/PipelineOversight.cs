namespace SafeOpenAI;

/// <summary>
/// What watches the calls of a pipeline besides its stages: the opt-in protector of audit content,
/// the user access policy, the anomaly monitor and the human review queue. Each is optional.
/// </summary>
internal sealed record PipelineOversight(AuditContentProtector? ContentProtector, IUserAccessPolicy? AccessPolicy, AnomalyMonitor? AnomalyMonitor, IHumanReviewQueue? ReviewQueue = null, LimitedReleaseGate? LimitedRelease = null)
{
    /// <summary>Gets an oversight with nothing watching.</summary>
    public static PipelineOversight None { get; } = new(null, null, null);
}
