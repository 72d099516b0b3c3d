namespace SafeOpenAI;

/// <summary>
/// One piece of personal data found in a text: its Presidio entity type, where it is (UTF-16
/// offsets into the text that was analysed, end exclusive) and how sure the recogniser is.
/// Immutable and thread-safe. The value itself is not stored: read it from the text with
/// <see cref="Start"/> and <see cref="End"/> when you own the text.
/// </summary>
public sealed class PiiEntity
{
    /// <summary>Creates a finding.</summary>
    /// <param name="entityType">The entity type, for example <c>EMAIL_ADDRESS</c> (Presidio's names, see <see cref="PiiEntityTypes"/>).</param>
    /// <param name="start">The first UTF-16 code unit of the value.</param>
    /// <param name="end">One past the last UTF-16 code unit of the value.</param>
    /// <param name="score">The confidence, from 0 to 1.</param>
    /// <exception cref="ArgumentException"><paramref name="entityType"/> is null or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative, <paramref name="end"/> is not after it, or <paramref name="score"/> is outside 0–1.</exception>
    public PiiEntity(string entityType, int start, int end, double score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        if (score is < 0 or > 1 || double.IsNaN(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), "The score is between 0 and 1.");
        }

        EntityType = entityType;
        Start = start;
        End = end;
        Score = score;
    }

    /// <summary>Gets the entity type, for example <c>EMAIL_ADDRESS</c>.</summary>
    public string EntityType { get; }

    /// <summary>Gets the offset of the first UTF-16 code unit.</summary>
    public int Start { get; }

    /// <summary>Gets the offset one past the last UTF-16 code unit.</summary>
    public int End { get; }

    /// <summary>Gets the length in UTF-16 code units.</summary>
    public int Length => End - Start;

    /// <summary>Gets the confidence, from 0 to 1 (pattern score, raised by validation and context words as in Presidio).</summary>
    public double Score { get; }

    /// <summary>Returns the type and position, never the value.</summary>
    /// <returns>For example <c>EMAIL_ADDRESS [12,31) 1.00</c>.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EntityType} [{Start},{End}) {Score:0.00}");
}
