using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SafeOpenAI.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on its own connection and thread, so the writer never
/// waits for that copy and its fsyncs (SQLite's automatic checkpoint runs inside the commit that
/// crosses its threshold). Commits are as durable either way: a checkpoint only moves committed pages
/// from the WAL into the database file (https://www.sqlite.org/wal.html#ckpt).
/// </summary>
/// <remarks>
/// The writer reports the pages each commit wrote. After <see cref="CheckpointPages"/> pages the
/// checkpointer runs a passive checkpoint (it never blocks the writer or readers). SQLite starts the
/// WAL over only when every frame in it has been copied, which a background copy never achieves while
/// commits keep coming; so once a pass has copied everything it saw, the writer copies the few commits
/// made since and restarts the WAL (a RESTART checkpoint) after its next commit, and the checkpointer
/// waits for that. Should the WAL reach <see cref="MaxWalPages"/> anyway (readers holding old
/// snapshots, or a disk slower than the writes), the writer does the same at once: back-pressure,
/// never an unbounded file.
/// </remarks>
internal sealed class SqliteAuditCheckpointer : IAsyncDisposable
{
    /// <summary>WAL pages (4 KiB each) after which a background checkpoint starts: 16 MiB, four times SQLite's default of 1,000 pages, so one checkpoint copies a page of the random-keyed audit-id index once for many commits.</summary>
    public const int CheckpointPages = 4096;

    /// <summary>WAL pages (256 MiB) at which the writer checkpoints itself before writing on.</summary>
    public const int MaxWalPages = 65_536;

    private readonly int _checkpointPages;
    private readonly int _maxWalPages;
    private readonly SqliteConnection _connection;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _loop;
    private int _pagesSinceSignal;
    private int _walPages;
    private int _caughtUp;

    /// <param name="connectionString">The database.</param>
    /// <param name="checkpointPages">Pages after which a background pass starts (<see cref="CheckpointPages"/>; smaller in tests).</param>
    /// <param name="maxWalPages">Pages at which the writer checkpoints itself (<see cref="MaxWalPages"/>; smaller in tests).</param>
    public SqliteAuditCheckpointer(string connectionString, int checkpointPages = CheckpointPages, int maxWalPages = MaxWalPages)
    {
        _checkpointPages = checkpointPages;
        _maxWalPages = maxWalPages;
        _connection = SqliteAuditSchema.Open(connectionString);
        try
        {
            // A connection learns that the file is in WAL mode when it first reads it; until then a checkpoint does nothing.
            using var read = _connection.CreateCommand();
            read.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
            read.ExecuteScalar();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called by the writer after each commit with the pages it wrote to the WAL.</summary>
    /// <returns>
    /// Whether the writer should checkpoint and restart the WAL now: a background pass has copied all but
    /// the last commits (so the writer copies only those), or the WAL reached <see cref="MaxWalPages"/>.
    /// </returns>
    public bool AfterCommit(int pagesWritten)
    {
        _pagesSinceSignal += pagesWritten;
        if (Interlocked.Add(ref _walPages, pagesWritten) >= _maxWalPages || Volatile.Read(ref _caughtUp) == 1)
        {
            return true;
        }

        if (_pagesSinceSignal >= _checkpointPages)
        {
            _pagesSinceSignal = 0;
            _signal.Writer.TryWrite(true);
        }

        return false;
    }

    /// <summary>Called by the writer when its checkpoint could not complete (a reader holds an older snapshot): the background passes go on.</summary>
    public void RestartFailed() => Volatile.Write(ref _caughtUp, 0);

    /// <summary>Called by the writer after it checkpointed and restarted the WAL itself.</summary>
    public void Restarted()
    {
        _pagesSinceSignal = 0;
        Volatile.Write(ref _walPages, 0);
        Volatile.Write(ref _caughtUp, 0);
    }

    public async ValueTask DisposeAsync()
    {
        _signal.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var db = _connection.Handle!;
        while (await _signal.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _signal.Reader.TryRead(out _);
            if (Volatile.Read(ref _caughtUp) == 1)
            {
                // The writer's restart is due: its checkpoint needs the lock this pass would hold.
                continue;
            }

            // Pages committed while the pass copies are left to the writer's restart.
            var rc = raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out var walFrames, out var copied);
            if (rc != raw.SQLITE_OK || walFrames < 0)
            {
                // Busy or failed: nothing is lost (the WAL keeps every commit); the next signal tries again.
                continue;
            }

            Volatile.Write(ref _walPages, walFrames);
            if (copied >= walFrames)
            {
                Volatile.Write(ref _caughtUp, 1);
            }
        }
    }
}
