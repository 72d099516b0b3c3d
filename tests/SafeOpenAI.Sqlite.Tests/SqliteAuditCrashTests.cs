using System.Diagnostics;

namespace SafeOpenAI.Sqlite.Tests;

public class SqliteAuditCrashTests
{
    [Test]
    public async Task A_killed_writer_loses_no_record_whose_write_returned()
    {
        using var db = new TempDatabase();
        var writer = Path.Combine(AppContext.BaseDirectory.Replace("SafeOpenAI.Sqlite.Tests", "SafeOpenAI.Sqlite.CrashWriter", StringComparison.Ordinal), "SafeOpenAI.Sqlite.CrashWriter.dll");
        Assert.That(File.Exists(writer), Is.True, writer);
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { writer, db.Path, "16" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var returned = new List<string>();
        try
        {
            Assert.That(await process.StandardOutput.ReadLineAsync(), Is.EqualTo("ready"));
            while (returned.Count < 5_000 && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Collect(line, returned);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();

        // Ids printed before the kill are still in the pipe: each was printed after its write returned.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            Collect(line, returned);
        }

        var store = db.Store();
        var missing = new List<string>();
        foreach (var id in returned)
        {
            if (await store.GetAsync(id, CancellationToken.None) is null)
            {
                missing.Add(id);
            }
        }

        Assert.That(process.ExitCode, Is.Not.Zero, "the writer was killed, it did not finish");
        Assert.That(returned, Has.Count.GreaterThanOrEqualTo(5_000));
        Assert.That(missing, Is.Empty, $"{missing.Count} of {returned.Count} acknowledged records are missing");
    }

    private static void Collect(string line, List<string> returned)
    {
        // Only whole lines count: a line cut by the kill has no terminator.
        if (line.EndsWith(';'))
        {
            returned.Add(line[..^1]);
        }
    }
}
