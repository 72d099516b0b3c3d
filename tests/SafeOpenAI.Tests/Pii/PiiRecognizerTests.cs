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
