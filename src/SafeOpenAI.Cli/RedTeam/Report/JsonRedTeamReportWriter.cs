using System.Text.Json;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>Writes the JSON contract of <see cref="RedTeamJsonReport"/>. Stateless; thread-safe.</summary>
internal sealed class JsonRedTeamReportWriter : IRedTeamReportWriter
{
    /// <inheritdoc />
    public void Write(RedTeamReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(RedTeamJsonReport.From(report), RedTeamJsonContext.Default.RedTeamJsonReport));
    }
}
