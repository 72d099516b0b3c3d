namespace SafeOpenAI.PostgreSql;

/// <summary>
/// One record waiting for the writer, with the work that does not need the database done on the caller's
/// thread (its verdict keys and jsonb columns), so the single writer only streams values. Completed by the
/// writer after the record's transaction.
/// </summary>
internal sealed class PostgreSqlAuditRow
{
    public PostgreSqlAuditRow(AuditRecord record)
    {
        Record = record;
        VerdictCodes = [.. record.VerdictCodes];
        VerdictKeys = PostgreSqlAuditColumns.VerdictKeys(record.VerdictCodes);
        StageDurationsJson = PostgreSqlAuditColumns.StageDurationsJson(record.StageDurations);
        ModerationScoresJson = PostgreSqlAuditColumns.ModerationScoresJson(record.ModerationScores);
    }

    public AuditRecord Record { get; }

    public string[] VerdictCodes { get; }

    public string[] VerdictKeys { get; }

    public string StageDurationsJson { get; }

    public string ModerationScoresJson { get; }

    /// <summary>Gets the completion the caller awaits: set after the commit, or failed with the reason the record was not stored.</summary>
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
