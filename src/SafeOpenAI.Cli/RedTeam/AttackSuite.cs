namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// A red-team suite: attacks and benign control prompts, loaded from the built-in resources or from an
/// external JSON Lines file (schema in <see cref="AttackSuiteReader"/>). Immutable, so safe to share
/// between threads; <see cref="Shuffle"/> returns a new suite.
/// </summary>
internal sealed class AttackSuite
{
    private const string AttacksResource = "SafeOpenAI.Cli.RedTeam.Suite.attacks.jsonl";
    private const string BenignResource = "SafeOpenAI.Cli.RedTeam.Suite.benign.jsonl";

    /// <summary>Creates a suite from already-read attacks and controls.</summary>
    public AttackSuite(IReadOnlyList<AttackCase> attacks, IReadOnlyList<BenignPrompt> benign)
    {
        ArgumentNullException.ThrowIfNull(attacks);
        ArgumentNullException.ThrowIfNull(benign);
        Attacks = attacks;
        Benign = benign;
    }

    /// <summary>Gets the attacks, in file order unless shuffled.</summary>
    public IReadOnlyList<AttackCase> Attacks { get; }

    /// <summary>Gets the benign control prompts, in file order unless shuffled.</summary>
    public IReadOnlyList<BenignPrompt> Benign { get; }

    /// <summary>Gets the number of attacks per category, ordinal by category name.</summary>
    public IReadOnlyDictionary<string, int> CountsByCategory =>
        Attacks.GroupBy(a => a.Category, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>
    /// Loads the suite written by this project and embedded in the tool: attacks from
    /// <c>RedTeam/Suite/attacks.jsonl</c>, controls from <c>RedTeam/Suite/benign.jsonl</c>. Oversized
    /// denial-of-wallet inputs are expanded from their compact <c>repeat</c> specs here.
    /// </summary>
    /// <exception cref="AttackSuiteFormatException">A resource line is invalid (a build defect).</exception>
    public static AttackSuite LoadBuiltIn()
    {
        var attacks = ReadResource(AttacksResource, "attacks.jsonl");
        var benign = ReadResource(BenignResource, "benign.jsonl");
        if (attacks.Benign.Count > 0 || benign.Attacks.Count > 0)
        {
            throw new InvalidOperationException("The built-in suite mixes attacks and benign controls between its two files.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in attacks.Attacks.Select(a => a.Id).Concat(benign.Benign.Select(b => b.Id)))
        {
            if (!ids.Add(id))
            {
                throw new InvalidOperationException($"The built-in suite uses the id \"{id}\" twice.");
            }
        }

        return new AttackSuite(attacks.Attacks, benign.Benign);
    }

    /// <summary>
    /// Loads an external suite from a JSON Lines file (schema in <see cref="AttackSuiteReader"/>). Lines
    /// with the category <c>benign</c> are controls; all others are attacks.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="AttackSuiteFormatException">A line is not JSON, misses or has an invalid field, or repeats an id.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static AttackSuite Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return AttackSuiteReader.Read(reader, path);
    }

    /// <summary>
    /// Returns the suite with attacks and controls in a pseudo-random order fixed by <paramref name="seed"/>:
    /// the same seed gives the same order on every run and machine (Fisher–Yates over <see cref="Random(int)"/>).
    /// </summary>
    public AttackSuite Shuffle(int seed)
    {
        var random = new Random(seed);
        return new AttackSuite(Shuffled(Attacks, random), Shuffled(Benign, random));
    }

    private static T[] Shuffled<T>(IReadOnlyList<T> items, Random random)
    {
        var copy = items.ToArray();
        for (var i = copy.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }

    private static AttackSuite ReadResource(string resource, string name)
    {
        using var stream = typeof(AttackSuite).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The resource {resource} is missing from the tool.");
        using var reader = new StreamReader(stream);
        return AttackSuiteReader.Read(reader, name);
    }
}
