using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace SafeOpenAI.Benchmarks.Anomaly;

/// <summary>
/// <see cref="AnomalyMonitor.ObserveAsync"/> for one audit record, with 1,000 users taking turns
/// and every rule on at its defaults (the system clock, so windows roll as in production): an
/// ordinary answered call, and a call blocked by moderation (the per-user flag window is
/// updated; the threshold is set to its maximum, 1,000, so that a user trips it at most once an hour of the run).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AnomalyMonitorBenchmarks
{
    private const int Users = 1_000;

    private AnomalyMonitor _monitor = null!;
    private SafetyAlertDispatcher _dispatcher = null!;
    private AuditRecord[] _answered = null!;
    private AuditRecord[] _flagged = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dispatcher = new SafetyAlertDispatcher([], NullLoggerFactory.Instance);
        _monitor = new AnomalyMonitor(
            new AnomalyOptions { ModerationFlagThreshold = 1_000 },
            new NoSuspensions(),
            _dispatcher,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        _answered = [.. Enumerable.Range(0, Users).Select(i => Record(i, AuditOutcome.Completed, ["Model:model.completed"], []))];
        _flagged = [.. Enumerable.Range(0, Users).Select(i => Record(i, AuditOutcome.Blocked, ["OpenAIModeration:moderation.flagged:violence"], [new AuditModerationScore(SafetyPhase.InputModeration, "violence", 0.97, Flagged: true)]))];
    }

    [GlobalCleanup]
    public void Cleanup() => _dispatcher.Dispose();

    [Benchmark(Description = "observe an answered call (1,000 users)")]
    public ValueTask ObserveAnswered() => _monitor.ObserveAsync(_answered[_next++ % Users], CancellationToken.None);

    [Benchmark(Description = "observe a moderation-flagged call (1,000 users)")]
    public ValueTask ObserveFlagged() => _monitor.ObserveAsync(_flagged[_next++ % Users], CancellationToken.None);

    private static AuditRecord Record(int user, AuditOutcome outcome, string[] codes, AuditModerationScore[] scores) => new()
    {
        AuditId = "audit-" + user,
        Timestamp = DateTimeOffset.UtcNow,
        SafetyIdentifier = "user-" + user,
        Model = "gpt-4o-mini",
        Outcome = outcome,
        InputHash = "hash",
        VerdictCodes = ["SafetyIdentifier:identity.hashed", "InputLength:input.allowed", .. codes],
        Usage = outcome == AuditOutcome.Completed ? new TokenUsage(300, 120) : null,
        Duration = TimeSpan.FromMilliseconds(850),
        ModerationScores = scores,
    };

    private sealed class NoSuspensions : IUserAccessPolicy
    {
        public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult<UserSuspension?>(null);

        public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken) => ValueTask.FromResult(suspension);

        public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<UserSuspension>>([]);
    }
}
