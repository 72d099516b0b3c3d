using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace SafeOpenAI.Tests.Tokens;

public class TiktokenTokenCounterTests
{
    private static readonly TiktokenTokenCounter Counter = TiktokenTokenCounter.Shared;

    [TestCase("gpt-4o")]
    [TestCase("gpt-4o-mini")]
    [TestCase("gpt-4")]
    [TestCase("gpt-3.5-turbo")]
    public void Hello_world_is_two_tokens(string model)
    {
        Assert.That(Counter.CountTokens("hello world", model), Is.EqualTo(2));
    }

    [Test]
    public void Counts_match_tiktoken_reference_values()
    {
        // OpenAI cookbook "How to count tokens with tiktoken": "tiktoken is great!" is 6 tokens in cl100k_base.
        Assert.That(Counter.CountTokens("tiktoken is great!", "gpt-4"), Is.EqualTo(6));
        Assert.That(Counter.CountTokens(string.Empty, "gpt-4o"), Is.Zero);
    }

    [TestCase("gpt-4", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("gpt-4-turbo", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("gpt-4-0613", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("gpt-3.5-turbo-0125", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("text-embedding-3-small", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("ft:gpt-4-0613:acme::abc123", TiktokenTokenCounter.Cl100kBase)]
    [TestCase("gpt-4o", TiktokenTokenCounter.O200kBase)]
    [TestCase("gpt-4o-mini-2024-07-18", TiktokenTokenCounter.O200kBase)]
    [TestCase("gpt-4.1", TiktokenTokenCounter.O200kBase)]
    [TestCase("gpt-4.5-preview", TiktokenTokenCounter.O200kBase)]
    [TestCase("gpt-5-nano", TiktokenTokenCounter.O200kBase)]
    [TestCase("o3", TiktokenTokenCounter.O200kBase)]
    [TestCase("o4-mini", TiktokenTokenCounter.O200kBase)]
    [TestCase("ft:gpt-4o-mini-2024-07-18:acme::abc123", TiktokenTokenCounter.O200kBase)]
    [TestCase("some-unknown-model", TiktokenTokenCounter.O200kBase)]
    public void Maps_models_to_encodings(string model, string encoding)
    {
        Assert.That(TiktokenTokenCounter.GetEncodingName(model), Is.EqualTo(encoding));
    }

    [Test]
    public void Counts_with_the_mapped_encoding()
    {
        // A text whose count differs between the encodings, so the mapping is observable.
        const string text = "日本語のテキストは、エンコーディングによってトークン数が変わります。";
        var o200k = TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text);
        var cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base").CountTokens(text);
        Assert.That(o200k, Is.Not.EqualTo(cl100k));

        Assert.Multiple(() =>
        {
            Assert.That(Counter.CountTokens(text, "gpt-4"), Is.EqualTo(cl100k));
            Assert.That(Counter.CountTokens(text, "gpt-4o"), Is.EqualTo(o200k));
            Assert.That(Counter.CountTokens(text, "not-a-model"), Is.EqualTo(o200k));
        });
    }

    [Test]
    public void Chat_prompt_includes_cookbook_overhead()
    {
        SafetyMessage[] messages =
        [
            SafetyMessage.FromText(MessageRole.System, "You are a helpful assistant."),
            SafetyMessage.FromText(MessageRole.User, "hello world"),
        ];

        // Per message 3 + role (1) + content; 3 more prime the reply.
        // "You are a helpful assistant." = 6 tokens, "hello world" = 2 tokens.
        const int expected = (3 + 1 + 6) + (3 + 1 + 2) + 3;
        Assert.Multiple(() =>
        {
            Assert.That(Counter.CountPromptTokens(messages, "gpt-4"), Is.EqualTo(expected));
            Assert.That(Counter.CountPromptTokens(messages, "gpt-4o"), Is.EqualTo(expected));
        });
    }

    [Test]
    public void Image_parts_count_the_configured_estimate()
    {
        var message = new SafetyMessage(MessageRole.User, [MessagePart.FromText("hello world"), MessagePart.FromImage(new Uri("https://example.com/cat.png"))]);

        Assert.Multiple(() =>
        {
            Assert.That(Counter.CountPromptTokens([message], "gpt-4o"), Is.EqualTo(3 + 3 + 1 + 2 + 1_445));
            Assert.That(new TiktokenTokenCounter(imageTokenEstimate: 1_000).CountPromptTokens([message], "gpt-4o"), Is.EqualTo(3 + 3 + 1 + 2 + 1_000));
        });
    }

    [Test]
    public void Tool_calls_count_function_name_and_arguments()
    {
        var plain = new SafetyMessage(MessageRole.Assistant, []);
        var withCall = new SafetyMessage(MessageRole.Assistant, [], [new ToolCallInfo("call_1", "get_weather", "{\"city\":\"Paris\"}")]);
        var expectedExtra = Counter.CountTokens("get_weather", "gpt-4o") + Counter.CountTokens("{\"city\":\"Paris\"}", "gpt-4o");

        Assert.That(
            Counter.CountPromptTokens([withCall], "gpt-4o") - Counter.CountPromptTokens([plain], "gpt-4o"),
            Is.EqualTo(expectedExtra).And.GreaterThan(0));
    }

    [Test]
    public void Negative_image_estimate_is_rejected()
    {
        Assert.That(() => new TiktokenTokenCounter(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase("o200k_base")]
    [TestCase("cl100k_base")]
    public void Longest_vocabulary_entry_constant_matches_the_data(string encoding)
    {
        // The input guard's token lower bound relies on this constant; the vocabulary is internal to
        // Microsoft.ML.Tokenizers, so read it by reflection and fail loudly if that ever changes.
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var property = typeof(TiktokenTokenizer).GetProperty("Encoder", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.That(property, Is.Not.Null);
        var vocabulary = (IReadOnlyDictionary<ReadOnlyMemory<byte>, int>)property!.GetValue(tokenizer)!;

        Assert.That(vocabulary.Keys.Max(k => k.Length), Is.LessThanOrEqualTo(TiktokenTokenCounter.LongestVocabularyEntryBytes));
    }

    [Test]
    public void Is_thread_safe_under_parallel_use()
    {
        var expected = Counter.CountTokens("The quick brown fox jumps over the lazy dog.", "gpt-4o");
        var results = new int[64];
        Parallel.For(0, results.Length, i => results[i] = new TiktokenTokenCounter().CountTokens("The quick brown fox jumps over the lazy dog.", i % 2 == 0 ? "gpt-4o" : "gpt-5"));
        Assert.That(results, Is.All.EqualTo(expected));
    }

    [Test]
    public void Ordinary_long_text_is_counted_exactly()
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(TiktokenTokenCounter.O200kBase);
        var text = string.Concat(Enumerable.Repeat("Payments to a new payee can take up to two working days; card freezes apply at once. ", 400));

        Assert.That(Counter.CountTokens(text, "gpt-4o-mini"), Is.EqualTo(tokenizer.CountTokens(text)));
    }

    [TestCase('A', 5_000)]
    [TestCase('7', 3_000)]
    [TestCase('é', 2_600)]
    public void A_long_run_is_counted_in_pieces_and_never_under_counted(char repeated, int length)
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(TiktokenTokenCounter.O200kBase);
        var text = "Summarise this: " + new string(repeated, length) + " thanks";
        var exact = tokenizer.CountTokens(text);
        var cuts = length / TiktokenTokenCounter.MaxRunCharacters;

        var counted = Counter.CountTokens(text, "gpt-4o-mini");

        Assert.That(counted, Is.InRange(exact, exact + cuts));
    }

    [Test]
    public void A_run_of_surrogate_pairs_is_never_cut_inside_a_pair()
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(TiktokenTokenCounter.O200kBase);
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 1_500)); // 3,000 UTF-16 code units, one run
        var exact = tokenizer.CountTokens(text);

        var counted = Counter.CountTokens(text, "gpt-4o-mini");

        // A cut inside a pair would count two lone surrogates (U+FFFD each) and over-count by more than one per cut.
        Assert.That(counted, Is.InRange(exact, exact + (text.Length / TiktokenTokenCounter.MaxRunCharacters)));
    }
}
