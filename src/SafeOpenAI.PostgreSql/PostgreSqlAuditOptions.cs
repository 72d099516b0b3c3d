namespace SafeOpenAI.PostgreSql;

/// <summary>
/// Options of <see cref="PostgreSqlAuditSink"/>, part of <see cref="PostgreSqlStoreOptions"/> (<c>o.Audit</c>).
/// Validated when <c>UsePostgreSqlStore</c> is called and read once, when the sink is created. Not thread-safe while being changed.
/// </summary>
public sealed class PostgreSqlAuditOptions
{
    /// <summary>The largest <see cref="MaxBatchDelay"/>: 1 second.</summary>
    public static readonly TimeSpan MaxBatchDelayLimit = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many records may wait for the writer, per instance. Default 10,000; at least 1.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets what a write does when <see cref="QueueCapacity"/> records are waiting. Default <see cref="AuditQueueFullMode.Wait"/>.</summary>
    public AuditQueueFullMode WhenFull { get; set; } = AuditQueueFullMode.Wait;

    /// <summary>
    /// Gets or sets the most records written in one transaction, by one binary <c>COPY</c>. Default 500; at least 1.
    /// 1 writes each record with its own <c>INSERT</c> (no <c>COPY</c>): the slow path, kept for comparison.
    /// </summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>
    /// Gets or sets how long the writer waits for more records to fill a batch once it holds one, when
    /// the queue is empty. Default zero: whatever is queued is written at once (batches form by themselves
    /// under load, while the previous batch is in flight). Zero to <see cref="MaxBatchDelayLimit"/>. Every
    /// waiting caller's call is delayed by it.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Checks every option, naming the first one out of range.</summary>
    /// <param name="paramName">The parameter to name in the exception.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it as <c>PostgreSqlStoreOptions.Audit.*</c>.</exception>
    internal void Validate(string paramName)
    {
        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"PostgreSqlStoreOptions.Audit.QueueCapacity must be at least 1 (was {QueueCapacity}).", paramName);
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentException($"PostgreSqlStoreOptions.Audit.MaxBatchSize must be at least 1 (was {MaxBatchSize}).", paramName);
        }

        if (MaxBatchDelay < TimeSpan.Zero || MaxBatchDelay > MaxBatchDelayLimit)
        {
            throw new ArgumentException($"PostgreSqlStoreOptions.Audit.MaxBatchDelay must be between zero and 1 second (was {MaxBatchDelay}).", paramName);
        }

        if (!Enum.IsDefined(WhenFull))
        {
            throw new ArgumentException($"PostgreSqlStoreOptions.Audit.WhenFull must be Wait or Fail (was {(int)WhenFull}).", paramName);
        }
    }

    /// <summary>Copies the options, so a change after registration does not reach the sink.</summary>
    /// <returns>The copy.</returns>
    internal PostgreSqlAuditOptions Clone() => new()
    {
        QueueCapacity = QueueCapacity,
        WhenFull = WhenFull,
        MaxBatchSize = MaxBatchSize,
        MaxBatchDelay = MaxBatchDelay,
    };
}
