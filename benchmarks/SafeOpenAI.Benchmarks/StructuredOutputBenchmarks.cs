using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// <see cref="JsonSchemaValidator"/> on a 1 KB JSON answer against a strict schema of 10
/// properties (one of them a nested object, one an array), valid and with two errors, beside the
/// cost of parsing the same answer with System.Text.Json alone.
/// </summary>
[MemoryDiagnoser]
public class StructuredOutputBenchmarks
{
    private const string Schema = """
        {"type":"object","properties":{
          "id":{"type":"string","format":"uuid"},
          "name":{"type":"string"},
          "email":{"type":"string","format":"email"},
          "age":{"type":"integer","minimum":0},
          "score":{"type":"number"},
          "active":{"type":"boolean"},
          "tier":{"type":"string","enum":["free","pro","enterprise"]},
          "tags":{"type":"array","items":{"type":"string"}},
          "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"country":{"type":"string"}},"required":["street","city","country"],"additionalProperties":false},
          "notes":{"type":["string","null"]}},
         "required":["id","name","email","age","score","active","tier","tags","address","notes"],"additionalProperties":false}
        """;

    private static readonly string s_valid = Answer(age: "36");
    private static readonly string s_invalid = Answer(age: "\"thirty-six\"").Replace("\"pro\"", "\"gold\"", StringComparison.Ordinal);

    private readonly JsonSchemaValidator _validator = new();
    private readonly SafetyRequest _request = new([SafetyMessage.FromText(MessageRole.User, "Profile of Ada.")], "gpt-4o-mini")
    {
        ResponseSchema = new JsonResponseSchema("profile", Schema, strict: true),
    };

    private SafetyResponse _validResponse = null!;
    private SafetyResponse _invalidResponse = null!;

    /// <summary>Builds the responses and warms the schema cache.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _validResponse = new SafetyResponse([MessagePart.FromText(s_valid)], new TokenUsage(100, 250), "stop");
        _invalidResponse = new SafetyResponse([MessagePart.FromText(s_invalid)], new TokenUsage(100, 250), "stop");
        if (_validator.ValidateAsync(_request, _validResponse, CancellationToken.None).AsTask().GetAwaiter().GetResult().Verdict.Action != SafetyAction.Allow
            || _validator.ValidateAsync(_request, _invalidResponse, CancellationToken.None).AsTask().GetAwaiter().GetResult().ReaskFeedback is null)
        {
            throw new InvalidOperationException("The benchmark answers are not what they claim to be.");
        }
    }

    /// <summary>Parse the answer with System.Text.Json only (what any JSON consumer pays).</summary>
    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(s_valid);
        return document.RootElement.GetPropertyCount();
    }

    /// <summary>Validate a valid 1 KB answer.</summary>
    [Benchmark]
    public async Task<SafetyAction> ValidAnswer() =>
        (await _validator.ValidateAsync(_request, _validResponse, CancellationToken.None)).Verdict.Action;

    /// <summary>Validate a 1 KB answer with two errors and build the reask feedback.</summary>
    [Benchmark]
    public async Task<int> InvalidAnswer() =>
        (await _validator.ValidateAsync(_request, _invalidResponse, CancellationToken.None)).ReaskFeedback!.Length;

    private static string Answer(string age)
    {
        var notes = new string('x', 1024);
        var json = $$"""{"id":"3f2b8c1e-9d4a-4e7b-8a1f-2c6d5e4f3a2b","name":"Ada Lovelace","email":"ada@example.com","age":{{age}},"score":97.5,"active":true,"tier":"pro","tags":["mathematics","engines","poetry","notes"],"address":{"street":"12 St James's Square","city":"London","country":"United Kingdom"},"notes":"NOTES"}""";
        var padding = 1024 - (json.Length - "NOTES".Length);
        return json.Replace("NOTES", notes[..Math.Max(padding, 0)], StringComparison.Ordinal);
    }
}
