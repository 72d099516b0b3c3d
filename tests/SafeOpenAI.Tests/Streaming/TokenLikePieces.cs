namespace SafeOpenAI.Tests.Streaming;

/// <summary>Splits text the way a model's stream arrives, for tests over many chunk boundaries.</summary>
internal static class TokenLikePieces
{
    /// <summary>
    /// Words keep their leading space, a word may be split into pieces of 1 to 6 characters, and
    /// with <paramref name="mergeChance"/> a word's last piece joins the previous piece.
    /// </summary>
    public static List<string> Split(string text, Random random, int mergeChance = 0)
    {
        var pieces = new List<string>();
        foreach (var word in System.Text.RegularExpressions.Regex.Split(text, @"(?=\s)"))
        {
            var index = 0;
            while (index < word.Length)
            {
                var length = Math.Min(word.Length - index, 1 + random.Next(0, 6));
                pieces.Add(word.Substring(index, length));
                index += length;
            }

            if (mergeChance > 0 && pieces.Count > 1 && random.Next(0, mergeChance) == 0)
            {
                pieces[^2] += pieces[^1];
                pieces.RemoveAt(pieces.Count - 1);
            }
        }

        return pieces;
    }
}
