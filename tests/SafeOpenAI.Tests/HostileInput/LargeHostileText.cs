using System.Text;
using FsCheck.Fluent;

namespace SafeOpenAI.Tests.HostileInput;

/// <summary>Builders of hostile texts of a given length (10 MB cases), deterministic for a seed.</summary>
public static class LargeHostileText
{
    /// <summary>Hostile segments (<see cref="HostileGenerators.Segment"/>) drawn once and repeated to <paramref name="length"/> characters.</summary>
    public static string Build(int length, int seed)
    {
        var random = new Random(seed);
        var pool = HostileGenerators.Segment.Sample(2_000, 20).ToArray();
        var text = new StringBuilder(length + 64);
        while (text.Length < length)
        {
            text.Append(pool[random.Next(pool.Length)]);
        }

        return text.ToString(0, length);
    }

    /// <summary>One base letter and <paramref name="length"/> - 1 combining marks (U+0300–U+036F).</summary>
    public static string CombiningStorm(int length) =>
        string.Create(length, 0, static (chars, _) =>
        {
            chars[0] = 'a';
            for (var i = 1; i < chars.Length; i++)
            {
                chars[i] = (char)(0x0300 + (i % 0x70));
            }
        });

    /// <summary><paramref name="pattern"/> repeated to <paramref name="length"/> characters.</summary>
    public static string Repeat(string pattern, int length)
    {
        var text = new StringBuilder(length + pattern.Length);
        while (text.Length < length)
        {
            text.Append(pattern);
        }

        return text.ToString(0, length);
    }
}
