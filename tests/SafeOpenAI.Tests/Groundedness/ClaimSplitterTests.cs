namespace SafeOpenAI.Tests.Groundedness;

public class ClaimSplitterTests
{
    private static List<string> Claims(string text) => [.. ClaimSplitter.Split(text).Select(c => text.Substring(c.Start, c.Length))];

    [Test]
    public void Sentences_split_at_their_end_marks()
    {
        Assert.That(Claims("It opened in 1998. Was it busy? Very! It closed."), Is.EqualTo(new[] { "It opened in 1998.", "Was it busy?", "Very!", "It closed." }));
    }

    [Test]
    public void Abbreviations_initials_and_decimals_do_not_end_a_sentence()
    {
        Assert.That(
            Claims("Dr. Smith met J. R. R. Tolkien in the U.S. in 1950. Pi is about 3.14, e.g. in school maths."),
            Is.EqualTo(new[] { "Dr. Smith met J. R. R. Tolkien in the U.S. in 1950.", "Pi is about 3.14, e.g. in school maths." }));
    }

    [Test]
    public void List_items_are_claims_without_their_markers()
    {
        Assert.That(
            Claims("Features:\n- four ports\n* USB 3.0\n• Wi-Fi 6\n1. price $149\n2) two-year warranty"),
            Is.EqualTo(new[] { "Features:", "four ports", "USB 3.0", "Wi-Fi 6", "price $149", "two-year warranty" }));
    }

    [Test]
    public void Closing_quotes_stay_with_their_sentence_and_empty_spans_are_dropped()
    {
        Assert.That(Claims("He said \"no.\" Then he left.\n\n  \n..."), Is.EqualTo(new[] { "He said \"no.\"", "Then he left." }));
    }
}
