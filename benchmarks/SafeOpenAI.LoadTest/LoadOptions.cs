using System.Globalization;

namespace SafeOpenAI.LoadTest;

/// <summary>The command line of the load test.</summary>
internal sealed record LoadOptions(int Calls, int Concurrency, int Users, string Budget, bool Moderation, TimeSpan? Soak, int WarmUpCalls, int Rounds)
{
    public const string Usage =
        "usage: dotnet run -c Release --project benchmarks/SafeOpenAI.LoadTest -- [--calls 10000] [--concurrency 256] [--users 1000] [--warmup 5000] [--rounds 5] " +
        "[--budget memory|redis|both] [--moderation on|off] [--soak-minutes 60]";

    /// <summary>Reads the arguments.</summary>
    /// <exception cref="ArgumentException">An argument is unknown or its value is out of range; the message names it.</exception>
    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions(10_000, 256, 1_000, "both", true, null, 5_000, 5);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
            options = name switch
            {
                "--calls" => options with { Calls = Positive(name, value) },
                "--concurrency" => options with { Concurrency = Positive(name, value) },
                "--users" => options with { Users = Positive(name, value) },
                "--budget" when value is "memory" or "redis" or "both" => options with { Budget = value },
                "--moderation" when value is "on" or "off" => options with { Moderation = value == "on" },
                "--rounds" => options with { Rounds = Positive(name, value) },
                "--warmup" => options with { WarmUpCalls = Positive(name, value) },
                "--soak-minutes" => options with { Soak = TimeSpan.FromMinutes(Positive(name, value)) },
                _ => throw new ArgumentException($"{name} {value} is not understood. {Usage}"),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} takes a positive whole number, not '{value}'.");
}
