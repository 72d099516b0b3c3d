namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// A line of a suite file that cannot be read: not JSON, a missing or invalid field, or a duplicate id.
/// The message names the file, the 1-based line and the field.
/// </summary>
internal sealed class AttackSuiteFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>, <paramref name="line"/> and <paramref name="field"/>.</summary>
    public AttackSuiteFormatException(string file, int line, string? field, string problem, Exception? inner = null)
        : base(field is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: field \"{field}\": {problem}", inner)
    {
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>Gets the file (or resource) name.</summary>
    public string File { get; }

    /// <summary>Gets the 1-based line number.</summary>
    public int Line { get; }

    /// <summary>Gets the field at fault, or <see langword="null"/> when the line is not a JSON object at all.</summary>
    public string? Field { get; }
}
