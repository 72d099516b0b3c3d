using System.Net;
using System.Net.Sockets;

namespace SafeOpenAI;

/// <summary>
/// IPv4 addresses in dotted-decimal form (four octets 0–255, RFC 791) and IPv6 addresses in the
/// text forms of RFC 4291 §2.2 (full, compressed with <c>::</c>, with an embedded IPv4 tail, with a
/// zone), each confirmed with <see cref="IPAddress.TryParse(string, out IPAddress)"/>. Found by scanning: each
/// candidate is at most 45 characters around its first colon or dot. Score 0.9 for IPv4 and 0.9 for
/// IPv6 with at least two colon-separated groups (Presidio: 0.6–0.9).
/// </summary>
internal sealed class IpAddressRecognizer : IPiiRecognizer
{
    private const int MaxV6 = 45;

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.IpAddress];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c) && (i == 0 || !IsTokenChar(text[i - 1])))
            {
                var end = TryV4(text, i);
                if (end > 0)
                {
                    results.Add(new PiiEntity(PiiEntityTypes.IpAddress, i, end, 0.9));
                    i = end;
                    continue;
                }
            }

            if ((char.IsAsciiHexDigit(c) || c == ':') && (i == 0 || !IsV6Char(text[i - 1]) && !char.IsLetterOrDigit(text[i - 1]) && text[i - 1] != '_'))
            {
                var end = i;
                var colons = 0;
                while (end < text.Length && end - i < MaxV6 && IsV6Char(text[end]))
                {
                    colons += text[end] == ':' ? 1 : 0;
                    end++;
                }

                // A zone index (RFC 4007 §11): %eth0.
                if (colons >= 2 && end + 1 < text.Length && text[end] == '%' && char.IsAsciiLetterOrDigit(text[end + 1]))
                {
                    var zoneStart = end;
                    end++;
                    while (end < text.Length && end - zoneStart < 16 && char.IsAsciiLetterOrDigit(text[end]))
                    {
                        end++;
                    }
                }

                while (end > i && text[end - 1] is '.' or ':' && !(end - i >= 2 && text[end - 2] == ':'))
                {
                    end--;
                    if (text[end] == ':')
                    {
                        colons--;
                    }
                }

                if (colons >= 2 && (end >= text.Length || !char.IsLetterOrDigit(text[end]) && text[end] != '_')
                    && IPAddress.TryParse(text.AsSpan(i, end - i), out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    results.Add(new PiiEntity(PiiEntityTypes.IpAddress, i, end, colons >= 3 ? 0.9 : 0.5));
                    i = end;
                    continue;
                }

                // Skip the rest of this token: it cannot start an address.
                var skip = i + 1;
                while (skip < end && skip < text.Length && IsV6Char(text[skip]))
                {
                    skip++;
                }

                i = Math.Max(skip, i + 1);
                continue;
            }

            i++;
        }
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    private static bool IsV6Char(char c) => char.IsAsciiHexDigit(c) || c is ':' or '.';

    private static int TryV4(string text, int start)
    {
        var i = start;
        for (var octet = 0; octet < 4; octet++)
        {
            var value = 0;
            var digits = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]) && digits < 4)
            {
                value = value * 10 + (text[i] - '0');
                digits++;
                i++;
            }

            if (digits is 0 or > 3 || value > 255)
            {
                return -1;
            }

            if (octet < 3)
            {
                if (i >= text.Length || text[i] != '.')
                {
                    return -1;
                }

                i++;
            }
        }

        if (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
        {
            return -1;
        }

        return i;
    }
}
