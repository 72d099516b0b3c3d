using System.Runtime.InteropServices;
using SafeOpenAI;
using SharpFuzz;

// Fuzz targets for AFL++ (through SharpFuzz): `dotnet SafeOpenAI.Fuzz.dll <target>` reads test cases
// from AFL++'s fork server; `dotnet SafeOpenAI.Fuzz.dll <target> <file>...` runs the files once each
// (to replay a crash). Run them with eng/fuzz.sh. A target crashes on any exception, and on a result
// that breaks what the API documents (spans outside the text, a score outside [0, 1], ...).
var targets = new Dictionary<string, Action<string>>(StringComparer.Ordinal)
{
    ["normalizer"] = FuzzTargets.Normalizer,
    ["pii"] = FuzzTargets.Pii,
    ["injection"] = FuzzTargets.Injection,
};

if (args.Length == 0 || !targets.TryGetValue(args[0], out var target))
{
    await Console.Error.WriteLineAsync($"usage: SafeOpenAI.Fuzz <{string.Join('|', targets.Keys)}> [files to replay...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        target(FuzzTargets.Decode(await File.ReadAllBytesAsync(file)));
        Console.WriteLine($"ok: {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(FuzzTargets.Decode(buffer.ToArray()));
});
return 0;

/// <summary>The targets; each takes the text decoded from one test case.</summary>
internal static class FuzzTargets
{
    private static readonly SafetyHasher s_hasher = new(new SafetyIdentifierOptions { HashKey = "fuzz-only-hash-key-0123456789abcdef" });

    private static readonly PiiRedactionGuard s_redaction = new(new PiiRedactionOptions(), s_hasher);

    /// <summary>
    /// A test case is UTF-16LE code units, so every code unit, lone surrogates included, is reachable
    /// by flipping bytes; an odd last byte is dropped.
    /// </summary>
    public static string Decode(byte[] bytes) => new(MemoryMarshal.Cast<byte, char>(bytes.AsSpan(0, bytes.Length & ~1)));

    public static void Normalizer(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        Require(IsWellFormed(normalized), "Normalize returned ill-formed UTF-16");
        Require(normalized.Length == 0 || (!char.IsWhiteSpace(normalized[0]) && !char.IsWhiteSpace(normalized[^1])), "Normalize did not trim");
        for (var i = 0; i + 1 < normalized.Length; i++)
        {
            Require(!(char.IsWhiteSpace(normalized[i]) && char.IsWhiteSpace(normalized[i + 1])), "Normalize left a white-space run");
        }

        var prepared = TextNormalizer.NormalizeForDetection(text);
        Require(IsWellFormed(prepared), "NormalizeForDetection returned ill-formed UTF-16");
    }

    public static void Pii(string text)
    {
        var found = PiiAnalyzer.Default.Analyze(text);
        var previousEnd = 0;
        foreach (var entity in found)
        {
            Require(entity.Start >= previousEnd && entity.Start < entity.End && entity.End <= text.Length, "a PII span is outside the text, out of order or overlapping");
            previousEnd = entity.End;
        }

        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini");
        var result = s_redaction.InspectAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (result.RewrittenMessages is { } rewritten && IsWellFormed(text))
        {
            Require(IsWellFormed(rewritten[0].Text), "redaction made well-formed text ill-formed");
        }
    }

    public static void Injection(string text)
    {
        foreach (var mode in new[] { PromptInjectionMode.Prompt, PromptInjectionMode.Document })
        {
            var detection = PromptInjectionDetector.Default.Detect(text, mode);
            Require(double.IsFinite(detection.Score) && detection.Score is >= 0 and <= 1, "the injection score is not a probability");
            Require(detection.Windows >= 1, "no window was scanned");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
