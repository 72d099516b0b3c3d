using System.Globalization;

namespace SafeOpenAI.LoadTest;

/// <summary>What one client did under load: calls, errors, throughput, latency percentiles, memory and CPU time.</summary>
internal sealed record LoadResult(
    string Client,
    int Calls,
    int Errors,
    int NotCompleted,
    TimeSpan Elapsed,
    double P50Milliseconds,
    double P99Milliseconds,
    long WorkingSetStartBytes,
    long WorkingSetMidBytes,
    long WorkingSetEndBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long AllocatedBytes,
    TimeSpan ProcessorTime)
{
    /// <summary>Gets the process's CPU time (user and kernel, all threads, the in-process endpoint included) per call, in microseconds.</summary>
    public double CpuMicrosecondsPerCall => ProcessorTime.TotalMicroseconds / Calls;

    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    public static string Header =>
        "| client | calls | errors | not completed | calls/s | p50 ms | p99 ms | working set start / mid / end MB | GC gen0/1/2 | allocated MB | CPU µs/call |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|";

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Client} | {Calls:N0} | {Errors} | {NotCompleted} | {CallsPerSecond:N0} | {P50Milliseconds:N1} | {P99Milliseconds:N1} | " +
        $"{Megabytes(WorkingSetStartBytes)} / {Megabytes(WorkingSetMidBytes)} / {Megabytes(WorkingSetEndBytes)} | {Gen0}/{Gen1}/{Gen2} | {AllocatedBytes / 1_048_576.0:N0} | {CpuMicrosecondsPerCall:N0} |");

    private static string Megabytes(long bytes) => (bytes / 1_048_576.0).ToString("N0", CultureInfo.InvariantCulture);
}
