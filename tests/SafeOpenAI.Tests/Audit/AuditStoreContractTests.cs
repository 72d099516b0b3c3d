using System.Text.Json;

namespace SafeOpenAI.Tests.Audit;

/// <summary>
/// The rules every audit store SafeOpenAI ships must follow (an <see cref="IAuditSink"/> that is read back
/// through an <see cref="IAuditRecordReader"/> and queried with <see cref="AuditQuery"/>), run against each
/// implementation by a subclass: a record reads back equal field by field, an unknown id reads null,
/// concurrent writes all land, and queries filter, order and limit alike. Public API only, so durable
/// stores can link this file into their own test project.
/// </summary>
public abstract class AuditStoreContractTests
{
    /// <summary>A fixed instant the records are dated from.</summary>
    protected static readonly DateTimeOffset T0 = AuditRecords.T0;

    private static readonly string Alice = new('a', 64);
    private static readonly string Bob = new('b', 64);

    /// <summary>Creates an empty store for one test; the subclass disposes it after the test.</summary>
    protected abstract Task<AuditStoreUnderTest> CreateStoreAsync();

    /// <summary>A record with every field set, times and cost at full precision.</summary>
    protected static AuditRecord Full(string id) => AuditRecords.Full(id);

    /// <summary>A record with only the required fields set.</summary>
    protected static AuditRecord Minimal(string id, DateTimeOffset? at = null, string? user = null, AuditOutcome outcome = AuditOutcome.Completed, string? reviewId = null, params string[] verdicts) =>
        AuditRecords.Minimal(id, at, user, outcome, reviewId, verdicts);

    [Test]
    public async Task A_written_record_reads_back_equal_field_by_field()
    {
        var store = await CreateStoreAsync();
        var record = Full("full-1");

        await store.Sink.WriteAsync(record, CancellationToken.None);
        var read = await store.Reader.GetAsync("full-1", CancellationToken.None);

        Assert.That(read, Is.Not.Null);
        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That(read!.Timestamp.UtcTicks, Is.EqualTo(record.Timestamp.UtcTicks), "times are exact to the tick");
        Assert.That(read.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(read.CostUsd, Is.EqualTo(0.000123456789m));
        Assert.That(read.Duration, Is.EqualTo(record.Duration));
        Assert.That(read.VerdictCodes, Is.EqualTo(record.VerdictCodes));
        Assert.That(read.StageDurations, Is.EqualTo(record.StageDurations));
        Assert.That(read.ModerationScores, Is.EqualTo(record.ModerationScores));
        Assert.That(read.Usage, Is.EqualTo(record.Usage));
    }

    [Test]
    public async Task Absent_fields_read_back_null_and_empty_lists_empty()
    {
        var store = await CreateStoreAsync();
        var record = Minimal("min-1");

        await store.Sink.WriteAsync(record, CancellationToken.None);
        var read = (await store.Reader.GetAsync("min-1", CancellationToken.None))!;

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That((read.Usage, read.CostUsd, read.SafetyIdentifier, read.SessionHash, read.TenantId, read.OutputHash, read.ReviewId, read.EncryptedInput, read.ErrorType), Is.EqualTo(((TokenUsage?)null, (decimal?)null, (string?)null, (string?)null, (string?)null, (string?)null, (string?)null, (string?)null, (string?)null)));
        Assert.That((read.StageDurations.Count, read.ModerationScores.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task Empty_texts_stay_empty_and_a_verdict_without_a_stage_keeps_its_code()
    {
        var store = await CreateStoreAsync();
        var record = new AuditRecord
        {
            AuditId = "empty-1",
            Timestamp = T0,
            TenantId = string.Empty,
            Model = string.Empty,
            Outcome = AuditOutcome.Completed,
            InputHash = string.Empty,
            VerdictCodes = ["bare.code", "Stage:"],
            EncryptedInput = string.Empty,
            CostUsd = 0m,
        };

        await store.Sink.WriteAsync(record, CancellationToken.None);

        Assert.That(JsonSerializer.Serialize(await store.Reader.GetAsync("empty-1", CancellationToken.None)), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That((await store.QueryAsync(new AuditQuery { VerdictCode = "bare.code" })).Select(r => r.AuditId), Is.EqualTo(new[] { "empty-1" }));
    }

    [Test]
    public async Task An_unknown_id_reads_null()
    {
        var store = await CreateStoreAsync();
        await store.Sink.WriteAsync(Minimal("known"), CancellationToken.None);

        Assert.That(await store.Reader.GetAsync("unknown", CancellationToken.None), Is.Null);
        Assert.ThrowsAsync<ArgumentException>(() => store.Reader.GetAsync(string.Empty, CancellationToken.None));
    }

    [Test]
    public async Task Concurrent_writes_all_land_once()
    {
        var store = await CreateStoreAsync();

        await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(async () => await store.Sink.WriteAsync(Minimal("c-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), T0.AddTicks(i)), CancellationToken.None))));

        var all = await store.QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit });
        Assert.That(all.Select(r => r.AuditId), Is.EqualTo(Enumerable.Range(0, 1_000).Reverse().Select(i => "c-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(await store.Reader.GetAsync("c-0999", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task Queries_filter_by_user_time_verdict_review_and_flag_newest_first()
    {
        var store = await CreateStoreAsync();
        await WriteSixAsync(store);

        Assert.That(await Ids(store, new AuditQuery()), Is.EqualTo(new[] { "6", "5", "4", "3", "2", "1" }));
        Assert.That(await Ids(store, new AuditQuery { SafetyIdentifier = Alice }), Is.EqualTo(new[] { "6", "2", "1" }));
        Assert.That(await Ids(store, new AuditQuery { Since = T0.AddMinutes(2), Until = T0.AddMinutes(5) }), Is.EqualTo(new[] { "4", "3", "2" }), "since inclusive, until exclusive");
        Assert.That(await Ids(store, new AuditQuery { VerdictCode = "moderation.flagged:violence" }), Is.EqualTo(new[] { "2" }));
        Assert.That(await Ids(store, new AuditQuery { VerdictCode = "moderation.flagged" }), Is.EqualTo(new[] { "4", "2" }), "a family matches its codes");
        Assert.That(await Ids(store, new AuditQuery { VerdictCode = "moderation" }), Is.Empty, "a prefix that is not a family matches nothing");
        Assert.That(await Ids(store, new AuditQuery { VerdictCode = "Moderation" }), Is.Empty, "stage names are not codes");
        Assert.That(await Ids(store, new AuditQuery { FlaggedOnly = true }), Is.EqualTo(new[] { "4", "3", "2" }));
        Assert.That(await Ids(store, new AuditQuery { ReviewId = "rev-4" }), Is.EqualTo(new[] { "4" }));
        Assert.That(await Ids(store, new AuditQuery { ReviewId = "rev-9" }), Is.Empty);
        Assert.That(await Ids(store, new AuditQuery { SafetyIdentifier = Bob, FlaggedOnly = true, Since = T0, Limit = 1 }), Is.EqualTo(new[] { "4" }));
    }

    [Test]
    public async Task Records_at_the_same_instant_are_ordered_by_audit_id_descending()
    {
        var store = await CreateStoreAsync();
        foreach (var id in new[] { "b", "a", "B", "c" })
        {
            await store.Sink.WriteAsync(Minimal(id, T0), CancellationToken.None);
        }

        Assert.That(await Ids(store, new AuditQuery()), Is.EqualTo(new[] { "c", "b", "a", "B" }), "ordinal order");
    }

    [TestCase(0)]
    [TestCase(AuditQuery.MaxLimit + 1)]
    public async Task A_limit_out_of_range_is_refused(int limit)
    {
        var store = await CreateStoreAsync();

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync(new AuditQuery { Limit = limit }));
    }

    private static async Task WriteSixAsync(AuditStoreUnderTest store)
    {
        AuditRecord[] records =
        [
            Minimal("1", T0.AddMinutes(1), Alice),
            Minimal("2", T0.AddMinutes(2), Alice, AuditOutcome.Blocked, null, "Moderation:moderation.flagged:violence"),
            Minimal("3", T0.AddMinutes(3), Bob, AuditOutcome.Blocked, null, "InjectionGuard:injection.detected"),
            Minimal("4", T0.AddMinutes(4), Bob, AuditOutcome.PendingReview, "rev-4", "Model:model.completed", "Moderation:moderation.flagged:self-harm"),
            Minimal("5", T0.AddMinutes(5), null, AuditOutcome.Failed),
            Minimal("6", T0.AddMinutes(6), Alice, AuditOutcome.Completed, null, "Model:model.completed", "Moderation:moderation.allowed"),
        ];
        foreach (var record in records)
        {
            await store.Sink.WriteAsync(record, CancellationToken.None);
        }
    }

    private static async Task<string[]> Ids(AuditStoreUnderTest store, AuditQuery query) =>
        (await store.QueryAsync(query)).Select(r => r.AuditId).ToArray();

    /// <summary>One store under test: where records are written, where one is read back, and how it is queried.</summary>
    /// <param name="Sink">The sink.</param>
    /// <param name="Reader">The reader of the same records.</param>
    /// <param name="Query">The store's query.</param>
    protected sealed record AuditStoreUnderTest(IAuditSink Sink, IAuditRecordReader Reader, Func<AuditQuery, CancellationToken, Task<IReadOnlyList<AuditRecord>>> Query)
    {
        /// <summary>Runs <paramref name="query"/>.</summary>
        public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query) => Query(query, CancellationToken.None);
    }
}
