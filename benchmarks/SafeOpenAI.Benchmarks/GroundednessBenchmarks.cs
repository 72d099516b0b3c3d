using System.Text;
using BenchmarkDotNet.Attributes;
using SafeOpenAI;

namespace SafeOpenAI.Benchmarks;

// dotnet run -c Release --project benchmarks/SafeOpenAI.Benchmarks -- --filter '*Groundedness*' --job short
[MemoryDiagnoser]
public class GroundednessBenchmarks
{
    private static readonly string[] Facts =
    [
        "The Aurora X2 router supports Wi-Fi 6 and has four gigabit Ethernet ports and a USB 3.0 port. ",
        "The recommended retail price is $149 and the warranty lasts two years from the date of purchase. ",
        "Firmware 2.4.1, released on 14 March 2024, added WPA3 support and fixed a memory leak in the DHCP server. ",
        "Customers in Germany, Austria and Switzerland can return the device within 30 days for a full refund. ",
        "The router draws 12 watts on average and weighs 640 grams; the power adapter is rated at 24 W. ",
        "Support is available from 08:00 to 20:00 CET on weekdays by phone and around the clock by email. ",
    ];

    private GroundednessValidator _validator = null!;
    private SafetyRequest _request = null!;
    private SafetyResponse _answer = null!;

    /// <summary>A 1 KB answer (10 claims, one of them unsupported) against 5 sources of 2 KB each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var sources = Enumerable.Range(0, 5)
            .Select(i => new SourceDocument($"doc-{i}", Repeat(Facts.Skip(i).Concat(Facts.Take(i)), 2048)))
            .ToArray();
        var answer = Repeat(Facts.Append("The device was designed in Helsinki by a team of 40 engineers. "), 1024);
        _request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "Tell me everything about the Aurora X2 router.")], "gpt-4o-mini") { Sources = sources };
        _answer = new SafetyResponse([MessagePart.FromText(answer)], usage: null);
        _validator = new GroundednessValidator(new GroundednessOptions { Policy = GroundednessPolicy.Annotate });
    }

    /// <summary>One answer on a fresh request: the source index is built, then the claims are checked.</summary>
    [Benchmark]
    public async ValueTask<string> Validate1KBAnswer5x2KBSources()
    {
        var request = new SafetyRequest(_request.Messages, _request.Model) { Sources = _request.Sources };
        return (await _validator.ValidateAsync(request, _answer, CancellationToken.None)).Verdict.Code;
    }

    /// <summary>The claims alone, with the source index already built (a later window of a streamed answer).</summary>
    [Benchmark]
    public async ValueTask<string> ValidateWithIndexCached() =>
        (await _validator.ValidateAsync(_request, _answer, CancellationToken.None)).Verdict.Code;

    private static string Repeat(IEnumerable<string> sentences, int length)
    {
        var list = sentences.ToList();
        var builder = new StringBuilder(length + 200);
        for (var i = 0; builder.Length < length; i++)
        {
            builder.Append(list[i % list.Count]);
        }

        // End on a sentence boundary at or before the length.
        var text = builder.ToString(0, length);
        var end = text.LastIndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? text[..(end + 1)] : text;
    }
}
