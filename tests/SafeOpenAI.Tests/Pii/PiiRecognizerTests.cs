namespace SafeOpenAI.Tests.Pii;

public class PiiRecognizerTests
{
    private static string[] Found(string text, string? type = null) =>
        [.. PiiAnalyzer.Default.Analyze(text).Where(e => type is null || e.EntityType == type).Select(e => e.EntityType + ":" + text[e.Start..e.End])];

    [TestCase("What is the limit for card 4454794511390933?", "4454794511390933")]
    [TestCase("card 4111 1111 1111 1111 please", "4111 1111 1111 1111")]
    [TestCase("amex 378282246310005", "378282246310005")]
    [TestCase("4111-1111-1111-1111", "4111-1111-1111-1111")]
    public void Credit_card_with_valid_Luhn_and_prefix_is_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.CreditCard), Is.EqualTo(new[] { "CREDIT_CARD:" + expected }));

    [TestCase("card 4111111111111112")]
    [TestCase("id 9111111111111111")]
    public void Credit_card_with_bad_checksum_or_unknown_prefix_is_not_found(string text) =>
        Assert.That(Found(text, PiiEntityTypes.CreditCard), Is.Empty);

    [TestCase("Here's my SSN: 460-89-9847", "460-89-9847")]
    [TestCase("His social security number is 853 37 1694", "853 37 1694")]
    [TestCase("ssn 078051120", "078051120")]
    public void Ssn_is_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.UsSsn), Is.EqualTo(new[] { "US_SSN:" + expected }));

    [TestCase("SSN 000-12-3456")]
    [TestCase("SSN 666-12-3456")]
    [TestCase("SSN 912-12-3456")]
    [TestCase("SSN 123-00-3456")]
    [TestCase("SSN 123-45-0000")]
    [TestCase("order 078051120 shipped")]
    public void Ssn_breaking_SSA_rules_or_without_context_is_not_found(string text) =>
        Assert.That(Found(text, PiiEntityTypes.UsSsn), Is.Empty);
}

public class PiiRecognizerMoreTests
{
    private static string[] Found(string text, string? type = null) =>
        [.. PiiAnalyzer.Default.Analyze(text).Where(e => type is null || e.EntityType == type).Select(e => e.EntityType + ":" + text[e.Start..e.End])];

    [TestCase("write to jane.doe+news@mail.example.co.uk today", "jane.doe+news@mail.example.co.uk")]
    [TestCase("UtaKortig@jourrapide.com.", "UtaKortig@jourrapide.com")]
    public void Email_is_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.EmailAddress), Is.EqualTo(new[] { "EMAIL_ADDRESS:" + expected }));

    [TestCase("user@localhost")]
    [TestCase("@@@ a@b @example.com")]
    [TestCase("name@domain.c0m")]
    public void Not_an_email(string text) => Assert.That(Found(text, PiiEntityTypes.EmailAddress), Is.Empty);

    [TestCase("Call me at +44 20 7946 0958 tomorrow", "+44 20 7946 0958")]
    [TestCase("Desk: +41 (0)96 471 07 95", "+41 (0)96 471 07 95")]
    [TestCase("Phone: (08) 8747 6301", "(08) 8747 6301")]
    [TestCase("Fax: 345-899-3560x4587", "345-899-3560x4587")]
    [TestCase("reach me on 0049 30 901820", "0049 30 901820")]
    [TestCase("Mobile: 06 12 34 56 78", "06 12 34 56 78")]
    [TestCase("Tel. +81 3-1234-5678", "+81 3-1234-5678")]
    [TestCase("whatsapp +55 11 91234-5678", "+55 11 91234-5678")]
    [TestCase("ring 415.555.2671", "415.555.2671")]
    public void Phone_numbers_in_many_national_formats_are_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.PhoneNumber), Is.EqualTo(new[] { "PHONE_NUMBER:" + expected }));

    [TestCase("The meeting is on 2024-05-17 at 10:30")]
    [TestCase("We sold 10.000.000 units")]
    [TestCase("It is in 17151 2450 Crown St")]
    [TestCase("My driver's license number is 6940579")]
    [TestCase("+99 12")]
    public void Dates_amounts_and_house_numbers_are_not_phone_numbers(string text) =>
        Assert.That(Found(text, PiiEntityTypes.PhoneNumber), Is.Empty);

    [TestCase("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32")]
    [TestCase("de89370400440532013000", "de89370400440532013000")]
    [TestCase("NO9386011117947", "NO9386011117947")]
    [TestCase("pay to FR1420041010050500013M02606", "FR1420041010050500013M02606")]
    [TestCase("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S")]
    public void Iban_with_valid_check_digits_is_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.IbanCode), Is.EqualTo(new[] { "IBAN_CODE:" + expected }));

    [TestCase("GB83 WEST 1234 5698 7654 32")]
    [TestCase("DE8937040044053201300")]
    [TestCase("ZZ89370400440532013000")]
    public void Iban_with_bad_checksum_length_or_country_is_not_found(string text) =>
        Assert.That(Found(text, PiiEntityTypes.IbanCode), Is.Empty);

    [TestCase("from 192.168.1.20 today", "192.168.1.20")]
    [TestCase("host 2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334")]
    [TestCase("v6 fe80::1ff:fe23:4567:890a%eth0.", "fe80::1ff:fe23:4567:890a%eth0")]
    [TestCase("mapped ::ffff:192.0.2.128 here", "::ffff:192.0.2.128")]
    [TestCase("6e40:4041:c617:e898:c11:40d2:c669:2eb4", "6e40:4041:c617:e898:c11:40d2:c669:2eb4")]
    public void Ip_addresses_are_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.IpAddress), Is.EqualTo(new[] { "IP_ADDRESS:" + expected }));

    [TestCase("version 1.2.3.4.5")]
    [TestCase("300.1.1.1")]
    [TestCase("std::cout << x")]
    [TestCase("at 12:20:39")]
    public void Not_an_ip_address(string text) => Assert.That(Found(text, PiiEntityTypes.IpAddress), Is.Empty);

    [TestCase("send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")]
    [TestCase("p2sh 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")]
    [TestCase("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [TestCase("taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")]
    public void Bitcoin_addresses_with_valid_checksums_are_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.Crypto), Is.EqualTo(new[] { "CRYPTO:" + expected }));

    [TestCase("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")]
    [TestCase("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr")]
    public void Bitcoin_addresses_with_bad_checksums_are_not_found(string text) =>
        Assert.That(Found(text, PiiEntityTypes.Crypto), Is.Empty);

    [TestCase("see https://www.example.com/a?b=c.", "https://www.example.com/a?b=c")]
    [TestCase("see www.example.org/x, then", "www.example.org/x")]
    public void Urls_are_found(string text, string expected) =>
        Assert.That(Found(text, PiiEntityTypes.Url), Is.EqualTo(new[] { "URL:" + expected }));

    [Test]
    public void Full_width_digits_are_found_and_offsets_refer_to_the_original()
    {
        var text = "card ４１１１１１１１１１１１１１１１ ok";
        var entity = PiiAnalyzer.Default.Analyze(text).Single();
        Assert.That(entity.EntityType, Is.EqualTo(PiiEntityTypes.CreditCard));
        Assert.That(text[entity.Start..entity.End], Is.EqualTo("４１１１１１１１１１１１１１１１"));
    }

    [Test]
    public void Zero_width_spaces_inside_an_email_do_not_hide_it()
    {
        var text = "mail jo\u200Bhn@exa\u200Dmple.com now";
        var entity = PiiAnalyzer.Default.Analyze(text).Single();
        Assert.That(entity.EntityType, Is.EqualTo(PiiEntityTypes.EmailAddress));
        Assert.That(text[entity.Start..entity.End], Is.EqualTo("jo\u200Bhn@exa\u200Dmple.com"));
    }

    [Test]
    public void Full_width_at_sign_email_is_found() =>
        Assert.That(Found("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"), Has.Length.EqualTo(1));

    [Test]
    public void A_custom_named_regex_and_a_custom_recognizer_extend_the_analyzer()
    {
        var analyzer = new PiiAnalyzer([new PatternPiiRecognizer("EMPLOYEE_ID", "EMP-[0-9]{6}", 0.3, ["employee"]), new FixedRecognizer()]);
        var text = "employee EMP-123456 and the word SECRETWORD";
        var found = analyzer.Analyze(text).Select(e => e.EntityType + ":" + text[e.Start..e.End]);
        Assert.That(found, Is.EqualTo(new[] { "EMPLOYEE_ID:EMP-123456", "CODE_WORD:SECRETWORD" }));
        Assert.That(analyzer.SupportedEntities, Does.Contain("EMPLOYEE_ID").And.Contain("CODE_WORD"));
        Assert.That(new PiiAnalyzer([new PatternPiiRecognizer("EMPLOYEE_ID", "EMP-[0-9]{6}", 0.3, ["employee"])]).Analyze("EMP-123456"), Is.Empty, "below the minimum score without its context word");
    }

    [Test]
    public void Entities_option_limits_what_is_reported()
    {
        var analyzer = new PiiAnalyzer(entities: [PiiEntityTypes.EmailAddress]);
        Assert.That(analyzer.Analyze("a@example.com 192.168.0.1").Select(e => e.EntityType), Is.EqualTo(new[] { PiiEntityTypes.EmailAddress }));
    }

    [TestCase('@')]
    [TestCase('1')]
    [TestCase('.')]
    [TestCase(':')]
    [TestCase('a')]
    public void Pathological_input_takes_linear_time(char fill)
    {
        // Same code path at 10 KB and at 1 MB: a linear scan takes about 100 times longer (per-call
        // overheads make it less); a quadratic one would take about 10,000 times longer.
        var patterns = new[] { new string(fill, 10_000), string.Concat(Enumerable.Repeat(fill + "1", 5_000)), string.Concat(Enumerable.Repeat("a" + fill, 5_000)) };
        foreach (var small in patterns)
        {
            var large = string.Concat(Enumerable.Repeat(small, 100));
            PiiAnalyzer.Default.Analyze(small);
            var t1 = Time(() => PiiAnalyzer.Default.Analyze(small), 20) / 20;
            var t100 = Time(() => PiiAnalyzer.Default.Analyze(large), 1);
            Assert.That(t100 / Math.Max(t1, 1e-6), Is.LessThan(1_500), $"fill '{fill}': 1x {t1 * 1000:0.00} ms, 100x {t100 * 1000:0.00} ms");
        }
    }

    internal static double Time(Action action, int repeat)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < repeat; i++)
        {
            action();
        }

        return watch.Elapsed.TotalSeconds;
    }

    private sealed class FixedRecognizer : IPiiRecognizer
    {
        public IReadOnlyCollection<string> SupportedEntities { get; } = ["CODE_WORD"];

        public void Analyze(string text, ICollection<PiiEntity> results)
        {
            var i = text.IndexOf("SECRETWORD", StringComparison.Ordinal);
            if (i >= 0)
            {
                results.Add(new PiiEntity("CODE_WORD", i, i + 10, 0.9));
            }
        }
    }
}
