namespace SafeOpenAI;

/// <summary>
/// The hashed n-gram features of the prompt-injection model (the "hashing trick" of
/// Weinberger et al. 2009, "Feature Hashing for Large Scale Multitask Learning"): character
/// 3- and 4-grams and word 1- and 2-grams of normalised text, each hashed (FNV-1a, then a
/// multiplicative mix) into one of 2^<see cref="Bits"/> buckets. Each occurrence counts
/// 1/√n, n being the number of n-grams of its kind in the window, so long and short windows
/// weigh alike. The trainer and the runtime share this code, so features match exactly.
/// </summary>
internal static class InjectionFeatures
{
    /// <summary>The number of hash bits: 2^18 buckets.</summary>
    public const int Bits = 18;

    /// <summary>The number of buckets.</summary>
    public const int Buckets = 1 << Bits;

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSeed = 0x9747B28C;
    private const int MaxWordLength = 40;

    /// <summary>Receives the buckets of one window.</summary>
    public interface ISink
    {
        /// <summary>One character n-gram.</summary>
        /// <param name="bucket">Its bucket.</param>
        void Char(int bucket);

        /// <summary>One word n-gram.</summary>
        /// <param name="bucket">Its bucket.</param>
        void Word(int bucket);
    }

    /// <summary>Feeds every n-gram bucket of <paramref name="text"/> to <paramref name="sink"/>.</summary>
    /// <typeparam name="TSink">The sink; a struct, so the calls are inlined.</typeparam>
    /// <param name="text">A window of normalised text.</param>
    /// <param name="sink">The sink.</param>
    public static void Extract<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : struct, ISink
    {
        // Character 3- and 4-grams (5-grams identified sources more than attacks: leave-one-source-out accuracy rose without them).
        for (var i = 0; i + 3 <= text.Length; i++)
        {
            var h = FnvOffset;
            h = (h ^ text[i]) * FnvPrime;
            h = (h ^ text[i + 1]) * FnvPrime;
            h = (h ^ text[i + 2]) * FnvPrime;
            sink.Char(Bucket(h, 3));
            if (i + 4 <= text.Length)
            {
                h = (h ^ text[i + 3]) * FnvPrime;
                sink.Char(Bucket(h, 4));
            }
        }

        // Word 1- and 2-grams over runs of letters and digits.
        uint previous = 0;
        var hasPrevious = false;
        var j = 0;
        while (j < text.Length)
        {
            if (!char.IsLetterOrDigit(text[j]))
            {
                j++;
                continue;
            }

            var start = j;
            var h = WordSeed;
            while (j < text.Length && char.IsLetterOrDigit(text[j]))
            {
                if (j - start < MaxWordLength)
                {
                    h = (h ^ text[j]) * FnvPrime;
                }

                j++;
            }

            sink.Word(Bucket(h, 11));
            if (hasPrevious)
            {
                sink.Word(Bucket((previous * 31) ^ h, 12));
            }

            previous = h;
            hasPrevious = true;
        }
    }

    private static int Bucket(uint h, uint salt)
    {
        h ^= salt * 0x85EBCA6B;
        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return (int)(h >> (32 - Bits));
    }
}
