namespace SafeOpenAI.Benchmarks;

/// <summary>
/// The audit record every audit-store benchmark writes (4 verdicts, 4 stage durations, 2 moderation scores,
/// every hash set, a random audit id), and the concurrent callers that write them, so that the SQLite and
/// PostgreSQL figures measure the same work. Thread-safe.
/// </summary>
public sealed class BenchmarkAuditRecords
{
    private long _next;

    /// <summary>Writes <paramref name="records"/> records through <paramref name="sink"/> from <paramref name="callers"/> concurrent callers, each awaiting its own write.</summary>
    /// <param name="sink">The sink.</param>
    /// <param name="callers">How many callers write at once; <paramref name="records"/> is divided among them.</param>
    /// <param name="records">How many records in all.</param>
    /// <returns>A task that completes when every write has returned.</returns>
    public Task WriteConcurrentlyAsync(IAuditSink sink, int callers, int records) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < records / callers; i++)
            {
                await sink.WriteAsync(Next(), CancellationToken.None).ConfigureAwait(false);
            }
        })));

    /// <summary>Makes the next record, with a fresh audit id.</summary>
    /// <returns>The record.</returns>
    public AuditRecord Next() => new()
    {
        AuditId = Guid.NewGuid().ToString("N") + Interlocked.Increment(ref _next),
        Timestamp = DateTimeOffset.UtcNow,
        SafetyIdentifier = "5f1d0c6f3a2b4e8d9c7a6b5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
        SessionHash = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        Model = "gpt-4o-mini",
        Outcome = AuditOutcome.Completed,
        InputHash = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
        OutputHash = "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
        VerdictCodes = ["PromptInjection:allowed", "Moderation:allowed", "Model:model.completed", "Moderation:allowed"],
        Usage = new TokenUsage(850, 120, 512, 0),
        CostUsd = 0.00019950m,
        Duration = TimeSpan.FromMilliseconds(812),
        StageDurations =
        [
            new AuditStageDuration("PromptInjection", SafetyPhase.Input, TimeSpan.FromTicks(2100)),
            new AuditStageDuration("Moderation", SafetyPhase.InputModeration, TimeSpan.FromMilliseconds(95)),
            new AuditStageDuration("Model", SafetyPhase.Model, TimeSpan.FromMilliseconds(640)),
            new AuditStageDuration("Moderation", SafetyPhase.OutputModeration, TimeSpan.FromMilliseconds(77)),
        ],
        ModerationScores =
        [
            new AuditModerationScore(SafetyPhase.InputModeration, "harassment", 0.0012, false),
            new AuditModerationScore(SafetyPhase.OutputModeration, "violence", 0.0008, false),
        ],
    };
}
