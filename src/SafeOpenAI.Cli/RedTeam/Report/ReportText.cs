using System.Globalization;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>How the human-readable report formats write rates and intervals, culture-invariant.</summary>
internal static class ReportText
{
    /// <summary>A rate 0..1 as a percentage with one decimal, such as <c>12.5 %</c>.</summary>
    public static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>An interval as percentages, such as <c>0.0–27.8 %</c>.</summary>
    public static string Interval(WilsonInterval interval) =>
        (interval.Low * 100).ToString("0.0", CultureInfo.InvariantCulture) + "–" + Percent(interval.High);

    /// <summary>An integer, culture-invariant.</summary>
    public static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The endpoint kind as the reports name it.</summary>
    public static string Endpoint(RedTeamEndpointKind kind) => kind == RedTeamEndpointKind.Offline ? "offline" : "online";

    /// <summary>A UTC time as ISO 8601 to the second.</summary>
    public static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Seconds with up to one decimal.</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
