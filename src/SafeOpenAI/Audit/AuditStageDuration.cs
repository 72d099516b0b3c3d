namespace SafeOpenAI;

/// <summary>
/// How long one stage of a call took, as recorded in <see cref="AuditRecord.StageDurations"/>.
/// Measured with <see cref="TimeProvider.GetTimestamp"/> around the stage's own work. Immutable and thread-safe.
/// </summary>
/// <param name="Stage">The stage name (a guard's or validator's <c>Name</c>, <c>Model</c>, <c>Budget</c>, the moderation check's name).</param>
/// <param name="Phase">The pipeline step the stage ran in.</param>
/// <param name="Duration">The wall-clock time the stage took. A stage that ran several times (a reask) has one entry per run.</param>
public sealed record AuditStageDuration(string Stage, SafetyPhase Phase, TimeSpan Duration);
