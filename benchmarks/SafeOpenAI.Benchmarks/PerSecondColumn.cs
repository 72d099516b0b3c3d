using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// A summary column of throughput: operations per second, 1e9 / mean nanoseconds per operation, for
/// benchmarks whose one operation is one record written, one review claimed, ...
/// </summary>
/// <param name="unit">What one operation is, plural, for the header and legend: <c>Records</c>, <c>Claims</c>.</param>
/// <param name="legend">How to read the figure, for the legend.</param>
public sealed class PerSecondColumn(string unit, string legend) : IColumn
{
    public string Id => nameof(PerSecondColumn) + "." + unit;

    public string ColumnName => unit + "/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend + " (1e9 / Mean in ns per operation)";

    /// <summary>Records per second written, each benchmark operation being one record.</summary>
    /// <returns>The column.</returns>
    public static PerSecondColumn Records() => new("Records", "Sustained records per second");

    /// <summary>Review claims per second by all reviewers together, each benchmark operation being one claim.</summary>
    /// <returns>The column.</returns>
    public static PerSecondColumn Claims() => new("Claims", "Claims per second by all reviewers together");

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
            ? (1e9 / statistics.Mean).ToString("N0", CultureInfo.InvariantCulture)
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
