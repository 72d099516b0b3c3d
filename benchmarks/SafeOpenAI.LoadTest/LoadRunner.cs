using System.Diagnostics;

namespace SafeOpenAI.LoadTest;

/// <summary>
/// Runs a number of calls at a fixed concurrency and measures each call's latency, the errors, and
/// the process's working set and garbage collections at the start, halfway and at the end.
/// </summary>
internal static class LoadRunner
{
    /// <summary>One call: returns true when it completed as expected, false when it ended otherwise (blocked); throws on error.</summary>
    public delegate Task<bool> Call(int index, CancellationToken cancellationToken);

    public static async Task<LoadResult> RunAsync(string client, int calls, int concurrency, Call call, CancellationToken cancellationToken)
    {
        var latencies = new long[calls];
        var errors = 0;
        var notCompleted = 0;
        var done = 0;
        long midWorkingSet = 0;
        var firstError = (Exception?)null;

        using var process = Process.GetCurrentProcess();
        var startWorkingSet = WorkingSet(process);
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, calls),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (!await call(i, token).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref notCompleted);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex, null);
                }

                latencies[i] = Stopwatch.GetTimestamp() - started;
                if (Interlocked.Increment(ref done) == calls / 2)
                {
                    Interlocked.Exchange(ref midWorkingSet, WorkingSet(process));
                }
            }).ConfigureAwait(false);
        total.Stop();
        process.Refresh();
        var cpuUsed = process.TotalProcessorTime - cpu;

        if (firstError is not null)
        {
            await Console.Error.WriteLineAsync($"{client}: first error: {firstError.GetType().Name}: {firstError.Message}").ConfigureAwait(false);
        }

        Array.Sort(latencies);
        return new LoadResult(
            client,
            calls,
            errors,
            notCompleted,
            total.Elapsed,
            Milliseconds(latencies[(int)Math.Ceiling(0.50 * calls) - 1]),
            Milliseconds(latencies[(int)Math.Ceiling(0.99 * calls) - 1]),
            startWorkingSet,
            midWorkingSet,
            WorkingSet(process),
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            GC.GetTotalAllocatedBytes(precise: true) - allocated,
            cpuUsed);
    }

    private static long WorkingSet(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static double Milliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;
}
