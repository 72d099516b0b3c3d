namespace SafeOpenAI.Cli.RedTeam;

/// <summary>Writes a <see cref="RedTeamReport"/> in one format (table, Markdown, HTML, JSON or JUnit XML).</summary>
internal interface IRedTeamReportWriter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>; the writer is not closed.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write.</param>
    void Write(RedTeamReport report, TextWriter output);
}
