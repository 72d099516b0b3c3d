using PhoneNumbers;

namespace SafeOpenAI;

/// <summary>
/// Payment cards, US Social Security numbers and telephone numbers, from one scan of the digit
/// chains of a text (<see cref="NumberChain"/>); each candidate is then validated.
/// </summary>
/// <remarks>
/// <para>CREDIT_CARD: 12–19 digits, contiguous or in groups joined by one kind of separator; a
/// known issuer prefix for the length (ISO/IEC 7812 IINs as published by the networks: Visa,
/// Mastercard, American Express, Discover, JCB, Diners Club, Maestro, UnionPay, Mir) and a valid
/// Luhn check digit (ISO/IEC 7812-1 Annex B). Score 1.0 (Presidio: Luhn-validated pattern).</para>
/// <para>US_SSN: AAA-GG-SSSS with '-', ' ' or '.', or nine contiguous digits; the SSA's rules
/// (https://www.ssa.gov/employer/randomization.html): area not 000, 666 or 900–999, group not 00,
/// serial not 0000. Score 0.6 with separators, 0.3 without; context words (ssn, social security…) add 0.35.</para>
/// <para>PHONE_NUMBER: 7–15 digits (ITU-T E.164 allows 15). A number written with '+' or a
/// 00 international prefix is parsed with libphonenumber and must be a possible number (0.75,
/// 0.85 when also a valid number). A national number is accepted when libphonenumber finds it
/// valid for the default region (0.6), or when it is written in at least two groups (0.45), or
/// when it is contiguous and a context word (phone, call, fax…) is near (0.3 + 0.35). Dates
/// (YYYY-MM-DD, DD.MM.YYYY), times and IPv4-shaped chains are not phone numbers.</para>
/// </remarks>
internal sealed class NumericPiiRecognizer : IPiiRecognizer
{
    private static readonly string[] s_ssnContext = ["ssn", "social security", "social-security", "ss#", "ss #", "ssa", "tax id", "taxpayer"];
    private static readonly string[] s_phoneContext = ["phone", "tel", "call", "mobile", "cell", "fax", "desk", "office", "contact", "reach", "text me", "sms", "whatsapp", "messages", "answering", "dial", "ring", "message", "registered", "reach me"];
    private static readonly string[] s_notPhoneContext = ["license", "licence", "passport", "account", "zip", "postal", "postcode", "order", "invoice", "serial", "iban", "routing"];
    private static readonly string[] s_phoneLabels = ["office", "fax", "mobile", "home", "work", "cell", "ext", "tel", "phone", "desk", "or", "and", "to", "for", "if", "i", "please", "is", "was"];
    private static readonly string[] s_cardContext = ["card", "visa", "mastercard", "amex", "credit", "debit", "cc"];

    private readonly PhoneNumberUtil _phoneUtil = PhoneNumberUtil.GetInstance();
    private readonly string _defaultRegion;

    public NumericPiiRecognizer(string defaultRegion)
    {
        _defaultRegion = defaultRegion;
    }

    public IReadOnlyCollection<string> SupportedEntities { get; } = [PiiEntityTypes.CreditCard, PiiEntityTypes.UsSsn, PiiEntityTypes.PhoneNumber];

    public void Analyze(string text, ICollection<PiiEntity> results)
    {
        if (!HasSevenDigits(text))
        {
            return;
        }

        Span<char> digits = stackalloc char[NumberChain.MaxDigits + 1];
        foreach (var chain in NumberChain.FindAll(text))
        {
            if (chain.DigitCount < 7)
            {
                continue;
            }

            var n = chain.CopyDigits(text, digits);
            var value = digits[..n];
            TryCard(text, chain, value, results);
            TrySsn(text, chain, value, results);
            TryPhone(text, chain, value, results);
        }
    }

    private static bool HasSevenDigits(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++count >= 7)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    internal static bool KnownCardPrefix(ReadOnlySpan<char> d)
    {
        var len = d.Length;
        int p2 = Prefix(d, 2), p3 = Prefix(d, 3), p4 = Prefix(d, 4);
        return d[0] switch
        {
            '4' => len is 13 or 16 or 19, // Visa
            '5' => (p2 is >= 51 and <= 55 && len == 16) || (p2 is 50 or >= 56 and <= 58 && len is >= 12 and <= 19), // Mastercard; Maestro
            '2' => (p4 is >= 2221 and <= 2720 && len == 16) || (p4 is >= 2200 and <= 2204 && len is >= 16 and <= 19) || (p4 == 2131 && len == 15), // Mastercard 2-series; Mir; JCB
            '3' => (p2 is 34 or 37 && len == 15) // American Express
                || (p2 == 35 && len is >= 16 and <= 19) // JCB (3528–3589 assigned; the whole 35 range is accepted, the Luhn check still applies)
                || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && len is >= 14 and <= 19), // Diners Club
            '6' => (p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65) && len is >= 16 and <= 19 // Discover
                || (p2 == 62 && len is >= 16 and <= 19) // UnionPay
                || (p2 is >= 56 and <= 69 && len is >= 12 and <= 19), // Maestro
            '1' => p4 == 1800 && len == 15, // JCB
            '0' => p4 == 604 && len is >= 12 and <= 19, // Maestro UK (0604)
            _ => false,
        };
    }

    private static int Prefix(ReadOnlySpan<char> d, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            value = value * 10 + (d[i] - '0');
        }

        return value;
    }

    private static void TryCard(string text, NumberChain chain, ReadOnlySpan<char> value, ICollection<PiiEntity> results)
    {
        if (value.Length is < 12 or > 19 || chain.HasPlus || chain.HasParenthesis || chain.MixedSeparators)
        {
            return;
        }

        if (chain.GroupCount > 1 && chain.Separator is not (' ' or '-'))
        {
            return;
        }

        if (!KnownCardPrefix(value) || !Luhn(value))
        {
            return;
        }

        var score = chain.GroupCount is 1 or 3 or 4 or 5 ? 1.0 : 0.8;
        if (score < 1.0 && PiiContext.HasWordBefore(text, chain.Start, s_cardContext))
        {
            score = 1.0;
        }

        results.Add(new PiiEntity(PiiEntityTypes.CreditCard, chain.Start, chain.End, score));
    }

    internal static bool IsValidSsn(ReadOnlySpan<char> d)
    {
        if (d.Length != 9)
        {
            return false;
        }

        var area = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
        var group = (d[3] - '0') * 10 + (d[4] - '0');
        var serial = (d[5] - '0') * 1000 + (d[6] - '0') * 100 + (d[7] - '0') * 10 + (d[8] - '0');
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }

    private static void TrySsn(string text, NumberChain chain, ReadOnlySpan<char> value, ICollection<PiiEntity> results)
    {
        if (value.Length != 9 || chain.HasPlus || chain.HasParenthesis || chain.MixedSeparators || !IsValidSsn(value))
        {
            return;
        }

        double score;
        if (chain.GroupCount == 3 && chain.GroupLength(0) == 3 && chain.GroupLength(1) == 2 && chain.GroupLength(2) == 4 && chain.Separator is '-' or ' ' or '.')
        {
            score = 0.6;
        }
        else if (chain.GroupCount == 1)
        {
            score = 0.3;
        }
        else
        {
            return;
        }

        if (PiiContext.HasWordBefore(text, chain.Start, s_ssnContext))
        {
            score += PiiContext.Boost;
        }

        results.Add(new PiiEntity(PiiEntityTypes.UsSsn, chain.Start, chain.End, score));
    }

    private static bool LooksLikeDateOrAddress(string text, NumberChain chain)
    {
        // 2024-05-01, 01.05.2024, 1/5/2024 and IPv4 shapes.
        if (chain.GroupCount == 3 && !chain.MixedSeparators && chain.Separator is '-' or '.' or '/')
        {
            int a = chain.GroupLength(0), b = chain.GroupLength(1), c = chain.GroupLength(2);
            if ((a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && c == 4))
            {
                return true;
            }
        }

        if (chain.Separator == '.' && !chain.MixedSeparators && chain.GroupCount == 4 && chain.GroupLength(0) <= 3 && chain.GroupLength(1) <= 3 && chain.GroupLength(2) <= 3 && chain.GroupLength(3) <= 3 && !chain.HasParenthesis && !chain.HasPlus
            && !(chain.GroupLength(0) == 2 && chain.GroupLength(1) == 2 && chain.GroupLength(2) == 2 && chain.GroupLength(3) == 2))
        {
            return true;
        }

        // 10.000.000 and 1,234,567-style amounts are not phone numbers.
        if (chain.Separator == '.' && !chain.MixedSeparators && chain.GroupLength(0) <= 3)
        {
            var thousands = true;
            for (var g = 1; g < Math.Min(chain.GroupCount, 8); g++)
            {
                thousands &= chain.GroupLength(g) == 3;
            }

            if (thousands)
            {
                return true;
            }
        }

        // A time follows (12:30) or the chain is part of a larger token such as 1.2.3-beta.
        return chain.End < text.Length && text[chain.End] == ':' && chain.End + 1 < text.Length && char.IsAsciiDigit(text[chain.End + 1]);
    }

    private void TryPhone(string text, NumberChain chain, ReadOnlySpan<char> value, ICollection<PiiEntity> results)
    {
        if (value.Length is < 7 or > 15 || chain.Separator == '/' || LooksLikeDateOrAddress(text, chain))
        {
            return;
        }

        var international = chain.HasPlus || (value.Length >= 9 && value[0] == '0' && value[1] == '0' && chain.GroupLength(0) is 2 or 3 && chain.GroupCount > 1);
        double score;
        if (international)
        {
            var e164 = chain.HasPlus ? "+" + new string(value) : "+" + new string(value[2..]);
            if (!TryParse(e164, "ZZ", out var number) || !_phoneUtil.IsPossibleNumber(number))
            {
                return;
            }

            score = _phoneUtil.IsValidNumber(number) ? 0.85 : 0.75;
        }
        else
        {
            if (value.Length > 12)
            {
                return;
            }

            var valid = TryParse(new string(value), _defaultRegion, out var number) && _phoneUtil.IsValidNumber(number);
            score = valid ? 0.6 : chain.GroupCount >= 3 || chain.HasParenthesis ? 0.45 : 0.3;

            // "1234 567 Main Street": a house number and a street number, not a phone number.
            if (FollowedByOtherWord(text, chain.End))
            {
                score -= 0.3;
            }
        }

        if (PiiContext.HasWordNear(text, chain.Start, chain.End, s_phoneContext))
        {
            score = Math.Min(1.0, score + PiiContext.Boost);
        }
        else if (PiiContext.HasWordBefore(text, chain.Start, s_notPhoneContext))
        {
            return;
        }

        results.Add(new PiiEntity(PiiEntityTypes.PhoneNumber, chain.Start, chain.End, score));
    }

    private static bool FollowedByOtherWord(string text, int end)
    {
        if (end + 1 >= text.Length || text[end] != ' ' || !char.IsLetter(text[end + 1]))
        {
            return false;
        }

        var wordEnd = end + 1;
        while (wordEnd < text.Length && char.IsLetter(text[wordEnd]) && wordEnd - end < 16)
        {
            wordEnd++;
        }

        var word = text.AsSpan(end + 1, wordEnd - end - 1);
        foreach (var label in s_phoneLabels)
        {
            if (word.Equals(label, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryParse(string number, string region, out PhoneNumber parsed)
    {
        try
        {
            parsed = _phoneUtil.Parse(number, region);
            return true;
        }
        catch (NumberParseException)
        {
            parsed = null!;
            return false;
        }
    }
}
