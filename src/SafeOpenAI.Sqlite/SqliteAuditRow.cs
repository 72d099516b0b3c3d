using System.Globalization;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// One record waiting for the writer, with the work that does not need the database done up front:
/// its JSON list columns as UTF-8 and its cost as text, formatted on the caller's thread so the single
/// writer thread only binds and steps. Completed by the writer after the record's transaction.
/// </summary>
internal sealed class SqliteAuditRow
{
    public SqliteAuditRow(AuditRecord record)
    {
        Record = record;
        (VerdictsJson, DurationsJson, ScoresJson) = SqliteAuditColumns.FormatLists(record);
        CostUsd = record.CostUsd?.ToString(CultureInfo.InvariantCulture);
    }

    public AuditRecord Record { get; }

    public byte[] VerdictsJson { get; }

    public byte[] DurationsJson { get; }

    public byte[] ScoresJson { get; }

    public string? CostUsd { get; }

    /// <summary>Gets the completion the caller awaits: set after the commit, or failed with the reason the record was not stored.</summary>
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
