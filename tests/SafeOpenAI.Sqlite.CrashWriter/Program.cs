using SafeOpenAI;
using SafeOpenAI.Sqlite;

// Usage: SafeOpenAI.Sqlite.CrashWriter <database file> <writers>
// Prints "ready", then "<audit id>;" for every record whose WriteAsync returned, until killed.
var database = args[0];
var writers = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
await using var sink = new SqliteAuditSink(new SqliteAuditOptions { ConnectionString = "Data Source=" + database });
var gate = new object();
Console.Out.WriteLine("ready");
Console.Out.Flush();
var tasks = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
{
    for (var i = 0; ; i++)
    {
        var id = writer + "-" + i;
        await sink.WriteAsync(
            new AuditRecord
            {
                AuditId = id,
                Timestamp = DateTimeOffset.UtcNow,
                Model = "gpt-4o-mini",
                Outcome = AuditOutcome.Completed,
                InputHash = new string('a', 64),
                VerdictCodes = ["Model:model.completed"],
            },
            CancellationToken.None);
        lock (gate)
        {
            Console.Out.WriteLine(id + ";");
            Console.Out.Flush();
        }
    }
})).ToArray();
await Task.WhenAll(tasks);
