using System.Globalization;

namespace SafeOpenAI.Samples.Console;

/// <summary>Prints one row per call (status, verdict codes, tokens, cost, answer) and a closing summary.</summary>
internal sealed class ResultPrinter(TextWriter output)
{
    private const int AnswerWidth = 110;

    // Verdicts that every call records; the row shows what acted on this call, not what always runs.
    private static readonly HashSet<string> s_bookkeepingCodes = new(StringComparer.Ordinal)
    {
        SafetyVerdict.AllowedCode, "model.completed", CanaryTokenGuard.PlacedCode, "identity.caller_supplied",
    };
    private readonly Dictionary<SafeChatStatus, int> _byStatus = [];
    private readonly Dictionary<string, int> _byCode = new(StringComparer.Ordinal);
    private int _failed;
    private long _inputTokens;
    private long _outputTokens;
    private decimal _cost;

    public void Header() =>
        output.WriteLine($"{"#",5}  {"status",-13} {"verdicts",-46} {"tokens in/out",13} {"cost USD",10}  answer");

    public void Print(int index, SafeChatResult result)
    {
        _byStatus[result.Status] = _byStatus.GetValueOrDefault(result.Status) + 1;
        var codes = result.Verdicts
            .Where(v => !s_bookkeepingCodes.Contains(v.Code))
            .Select(v => v.Code)
            .ToArray();
        foreach (var code in codes)
        {
            _byCode[code] = _byCode.GetValueOrDefault(code) + 1;
        }

        _inputTokens += result.Usage?.InputTokens ?? 0;
        _outputTokens += result.Usage?.OutputTokens ?? 0;
        _cost += result.CostUsd ?? 0;
        var answer = result.Status == SafeChatStatus.Completed
            ? result.Completion!.Content.FirstOrDefault()?.Text ?? string.Empty
            : $"[{result.DecisiveVerdict?.Stage}] {result.DecisiveVerdict?.UserMessage}";
        var tokens = result.Usage is { } usage ? $"{usage.InputTokens}/{usage.OutputTokens}" : "-";
        var cost = result.CostUsd?.ToString("0.000000", CultureInfo.InvariantCulture) ?? "-";
        output.WriteLine($"{index,5}  {result.Status,-13} {Shorten(codes.Length == 0 ? "-" : string.Join(' ', codes), 46),-46} {tokens,13} {cost,10}  {Shorten(answer, AnswerWidth)}");
    }

    public void PrintFailure(int index, Exception exception)
    {
        _failed++;
        output.WriteLine($"{index,5}  {"Failed",-13} {exception.GetType().Name,-46} {"-",13} {"-",10}  {Shorten(exception.Message, AnswerWidth)}");
    }

    public void PrintSummary()
    {
        var total = _byStatus.Values.Sum() + _failed;
        output.WriteLine();
        output.WriteLine($"{total} prompt(s): {string.Join(", ", _byStatus.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key}"))}{(_failed > 0 ? $", {_failed} Failed" : string.Empty)}; " +
            $"tokens in/out {_inputTokens}/{_outputTokens}; cost {_cost.ToString("0.000000", CultureInfo.InvariantCulture)} USD");
        foreach (var (code, count) in _byCode.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,6}  {code}");
        }
    }

    private static string Shorten(string text, int width)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= width ? oneLine : string.Concat(oneLine.AsSpan(0, width - 1), "…");
    }
}
