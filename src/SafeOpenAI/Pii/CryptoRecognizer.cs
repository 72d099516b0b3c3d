using System.Numerics;
using System.Security.Cryptography;

namespace SafeOpenAI;

/// <summary>
/// Bitcoin addresses: legacy P2PKH/P2SH addresses in Base58Check (a '1' or '3' followed by Base58
/// characters, 26–35 in all; the last four bytes of the decoded 25 bytes must equal the first four
/// of SHA-256(SHA-256(payload)), Bitcoin wiki "Base58Check encoding"), and SegWit addresses
/// <c>bc1…</c>/<c>tb1…</c> whose bech32 (BIP 173) or bech32m (BIP 350) checksum holds. Score 1.0
/// (the checksum makes a chance match about 1 in 4 billion).
/// </summary>
internal sealed class CryptoRecognizer : IPiiRecognizer
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.Crypto];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!PiiContext.BoundaryBefore(text, i) || !char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var end = i;
            while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
            {
                end++;
            }

            var token = text.AsSpan(i, end - i);
            if (end == text.Length || !PiiContext.IsWordChar(text[end]))
            {
                if (token.Length is >= 26 and <= 35 && token[0] is '1' or '3' && IsBase58Check(token))
                {
                    results.Add(new PiiEntity(PiiEntityTypes.Crypto, i, end, 1.0));
                }
                else if (token.Length is >= 14 and <= 90 && (token.StartsWith("bc1", StringComparison.OrdinalIgnoreCase) || token.StartsWith("tb1", StringComparison.OrdinalIgnoreCase)) && IsBech32(token))
                {
                    results.Add(new PiiEntity(PiiEntityTypes.Crypto, i, end, 1.0));
                }
            }

            i = end;
        }
    }

    internal static bool IsBase58Check(ReadOnlySpan<char> token)
    {
        BigInteger value = BigInteger.Zero;
        foreach (var c in token)
        {
            var digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = value * 58 + digit;
        }

        var leadingZeros = 0;
        while (leadingZeros < token.Length && token[leadingZeros] == '1')
        {
            leadingZeros++;
        }

        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (leadingZeros + bytes.Length != 25)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[25];
        bytes.CopyTo(decoded[leadingZeros..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(decoded[..21], hash);
        SHA256.HashData(hash, hash);
        return hash[..4].SequenceEqual(decoded[21..]);
    }

    internal static bool IsBech32(ReadOnlySpan<char> token)
    {
        bool hasLower = false, hasUpper = false;
        foreach (var c in token)
        {
            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }

        if (hasLower && hasUpper)
        {
            return false;
        }

        var separator = token.LastIndexOf('1');
        if (separator < 1 || token.Length - separator - 1 < 6)
        {
            return false;
        }

        uint checksum = 1;
        var hrp = token[..separator];
        foreach (var c in hrp)
        {
            checksum = PolyMod(checksum, (uint)(char.ToLowerInvariant(c) >> 5));
        }

        checksum = PolyMod(checksum, 0);
        foreach (var c in hrp)
        {
            checksum = PolyMod(checksum, (uint)(char.ToLowerInvariant(c) & 31));
        }

        foreach (var c in token[(separator + 1)..])
        {
            var value = Bech32Charset.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            checksum = PolyMod(checksum, (uint)value);
        }

        return checksum is 1 or 0x2bc830a3; // bech32 (BIP 173) or bech32m (BIP 350)
    }

    private static uint PolyMod(uint checksum, uint value)
    {
        ReadOnlySpan<uint> generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        var top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                checksum ^= generator[i];
            }
        }

        return checksum;
    }
}
