namespace SafeOpenAI;

/// <summary>
/// One credential found in a text: its kind (see <see cref="SecretKinds"/>) and where it is
/// (UTF-16 offsets, end exclusive). The value is never stored. Immutable and thread-safe.
/// </summary>
public sealed class SecretFinding
{
    /// <summary>Creates a finding.</summary>
    /// <param name="kind">The kind, for example <c>OPENAI_API_KEY</c>.</param>
    /// <param name="start">The first UTF-16 code unit of the secret.</param>
    /// <param name="end">One past the last UTF-16 code unit.</param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is null or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="end"/> is not after it.</exception>
    public SecretFinding(string kind, int start, int end)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        Kind = kind;
        Start = start;
        End = end;
    }

    /// <summary>Gets the kind of secret.</summary>
    public string Kind { get; }

    /// <summary>Gets the offset of the first UTF-16 code unit.</summary>
    public int Start { get; }

    /// <summary>Gets the offset one past the last UTF-16 code unit.</summary>
    public int End { get; }

    /// <summary>Returns the kind and position, never the value.</summary>
    /// <returns>For example <c>GITHUB_TOKEN [10,50)</c>.</returns>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kind} [{Start},{End})");
}
