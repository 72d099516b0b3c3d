using Microsoft.Data.Sqlite;

namespace SafeOpenAI.Sqlite.Tests;

/// <summary>A database file in a fresh temporary directory, deleted with it.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safeopenai-audit-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "audit.db");

    public string ConnectionString => "Data Source=" + Path;

    public SqliteAuditOptions Options(Action<SqliteAuditOptions>? configure = null)
    {
        var options = new SqliteAuditOptions { ConnectionString = ConnectionString };
        configure?.Invoke(options);
        return options;
    }

    public SqliteAuditStore Store() => new(ConnectionString);

    public SqliteReviewStore ReviewStore(string? extra = null) => new(ConnectionString + extra);

    public SqliteFeedbackStore FeedbackStore(string? extra = null) => new(ConnectionString + extra);

    public long Scalar(string sql) => Convert.ToInt64(Query(sql), System.Globalization.CultureInfo.InvariantCulture);

    public string Text(string sql) => Convert.ToString(Query(sql), System.Globalization.CultureInfo.InvariantCulture)!;

    private object? Query(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        // The review stores keep pooled connections open; release them with the file.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still hold the file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
