using System.Globalization;
using System.Text.Json;
using SafeOpenAI;
using SafeOpenAI.InjectionTrainer;

// Trains the embedded prompt-injection model. Reproducible: fixed seeds, public data read by path.
// dotnet run -c Release --project tools/SafeOpenAI.InjectionTrainer -- --out src/SafeOpenAI/Injection/Model/injection-model.bin
var options = Args.Parse(args);
var random = new Random(options.Seed);
var rows = new List<Row>();
foreach (var line in File.ReadLines(Path.Combine(options.DataDirectory, "prompts_dev.jsonl")))
{
    using var doc = JsonDocument.Parse(line);
    var root = doc.RootElement;
    var source = root.GetProperty("source").GetString() ?? "unknown";
    rows.Add(new Row(root.GetProperty("text").GetString() ?? string.Empty, root.GetProperty("label").GetInt32(), PromptInjectionMode.Prompt, SourceFamily(source)));
}

var attacks = new List<(string, string, string)>();
foreach (var line in File.ReadLines(Path.Combine(options.DataDirectory, "indirect_attack_strings_train.jsonl")))
{
    using var doc = JsonDocument.Parse(line);
    var root = doc.RootElement;
    attacks.Add((root.GetProperty("attack").GetString()!, root.GetProperty("category").GetString()!, root.GetProperty("family").GetString()!));
}

rows.AddRange(Synthetic.DirectRows(random, options.SyntheticDirect));
rows.AddRange(Synthetic.DocumentRows(random, attacks, options.DocumentsPerAttack));
rows.AddRange(Grammar.Rows(random, options.GrammarPerFamily));
Console.WriteLine($"rows: {rows.Count} (attacks {rows.Count(r => r.Label == 1)}, benign {rows.Count(r => r.Label == 0)}; document {rows.Count(r => r.Mode == PromptInjectionMode.Document)})");

var features = rows.Select(Featurize).ToArray();
var labels = rows.Select(r => r.Label).ToArray();
var config = new TrainConfig(options.Epochs, options.LearningRate, options.L2, options.L2Signals);

// Row weights: the generated prompt rows together weigh --generated-weight times the dev file's prompt rows.
var devCount = rows.Count(r => IsDev(r));
var generatedCount = rows.Count(r => r.Mode == PromptInjectionMode.Prompt && !IsDev(r));
var weights = rows.Select(r => IsDev(r) || r.Mode == PromptInjectionMode.Document ? 1.0 : options.GeneratedWeight * devCount / Math.Max(1, generatedCount)).ToArray();

// Cross-validation 1: leave one source family out (every prompt source, each synthetic set, each BIPIA attack category and document kind).
var groups = rows.Select(r => r.Group).Distinct(StringComparer.Ordinal).OrderBy(g => g, StringComparer.Ordinal).ToArray();
var groupOof = new double[rows.Count];
foreach (var group in groups)
{
    var train = Enumerable.Range(0, rows.Count).Where(i => rows[i].Group != group).ToArray();
    var model = Logistic.Train(features, labels, weights, train, config, options.Seed);
    foreach (var i in Enumerable.Range(0, rows.Count).Where(i => rows[i].Group == group))
    {
        groupOof[i] = model.Predict(features[i]);
    }
}

// Cross-validation 2: stratified 5-fold over rows.
var foldOf = new int[rows.Count];
var order = Enumerable.Range(0, rows.Count).OrderBy(_ => random.Next()).ToArray();
int pos = 0, neg = 0;
foreach (var i in order)
{
    foldOf[i] = labels[i] == 1 ? pos++ % options.Folds : neg++ % options.Folds;
}

var foldOof = new double[rows.Count];
for (var f = 0; f < options.Folds; f++)
{
    var train = Enumerable.Range(0, rows.Count).Where(i => foldOf[i] != f).ToArray();
    var model = Logistic.Train(features, labels, weights, train, config, options.Seed);
    foreach (var i in Enumerable.Range(0, rows.Count).Where(i => foldOf[i] == f))
    {
        foldOof[i] = model.Predict(features[i]);
    }
}

// Thresholds, per mode, on the leave-one-source-out out-of-fold scores (the stricter estimate): the one that maximises balanced accuracy (Youden's J),
// or with --target-fpr F the lowest whose false-positive rate is at most F.
var thresholds = new Dictionary<PromptInjectionMode, double>();
foreach (var mode in new[] { PromptInjectionMode.Prompt, PromptInjectionMode.Document })
{
    var idx = Enumerable.Range(0, rows.Count).Where(i => rows[i].Mode == mode).ToArray();
    var modeScores = idx.Select(i => groupOof[i]).ToArray();
    var modeLabels = idx.Select(i => labels[i]).ToArray();
    thresholds[mode] = options.TargetFpr > 0 ? Metrics.ThresholdForFpr(modeScores, modeLabels, options.TargetFpr) : Metrics.ThresholdYouden(modeScores, modeLabels);
}

Console.WriteLine($"thresholds (leave-one-source-out OOF, {(options.TargetFpr > 0 ? $"FPR <= {options.TargetFpr:P1}" : "max balanced accuracy")}): prompt {thresholds[PromptInjectionMode.Prompt]:F3}, document {thresholds[PromptInjectionMode.Document]:F3}");
foreach (var (name, oof) in new[] { ("stratified 5-fold", foldOof), ("leave-one-source-out", groupOof) })
{
    Console.WriteLine($"\n## {name}");
    Console.WriteLine("| subset | n | TPR | FPR | precision | F1 | balanced acc. | AUC |\n|---|---|---|---|---|---|---|---|");
    foreach (var (subset, filter) in new (string, Func<Row, bool>)[]
    {
        ("prompts_dev.jsonl rows", IsDev),
        ("synthetic direct + benign", r => r.Group.StartsWith("synthetic", StringComparison.Ordinal)),
        ("generated grammar families", r => r.Group.StartsWith("gen_", StringComparison.Ordinal)),
        ("documents (BIPIA attacks)", r => r.Mode == PromptInjectionMode.Document),
    })
    {
        var idx = Enumerable.Range(0, rows.Count).Where(i => filter(rows[i])).ToArray();
        var t = thresholds[rows[idx[0]].Mode];
        Console.WriteLine(Metrics.Row(subset, idx.Select(i => oof[i]).ToArray(), idx.Select(i => labels[i]).ToArray(), t));
    }

    if (name == "leave-one-source-out")
    {
        Console.WriteLine("\n| held-out group | n | rate flagged |\n|---|---|---|");
        foreach (var group in groups)
        {
            var idx = Enumerable.Range(0, rows.Count).Where(i => rows[i].Group == group).ToArray();
            var t = thresholds[rows[idx[0]].Mode];
            var flagged = idx.Count(i => oof[i] >= t) / (double)idx.Length;
            Console.WriteLine($"| {group} ({(labels[idx[0]] == 1 ? "attack" : "benign")}) | {idx.Length} | {flagged:P1} |");
        }
    }
}

var final = Logistic.Train(features, labels, weights, Enumerable.Range(0, rows.Count).ToArray(), config, options.Seed);
var quantised = final.Quantise((float)thresholds[PromptInjectionMode.Prompt], (float)thresholds[PromptInjectionMode.Document]);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
using (var file = File.Create(options.Output))
{
    quantised.Write(file);
}

Console.WriteLine($"\nwrote {options.Output}: {new FileInfo(options.Output).Length / 1024.0:F0} KB; nonzero buckets {quantised.Weights.Count(w => w != 0)}");
Console.WriteLine("signal weights: " + string.Join(", ", InjectionSignals.AllNames.Select((n, i) => $"{n} {quantised.SignalWeights[i].ToString("F2", CultureInfo.InvariantCulture)}")));
return 0;

static bool IsDev(Row r) => r.Mode == PromptInjectionMode.Prompt && !r.Group.StartsWith("synthetic", StringComparison.Ordinal) && !r.Group.StartsWith("gen_", StringComparison.Ordinal);

static string SourceFamily(string source)
{
    var parts = source.Split('/');
    return parts[0] == "jailbreakbench" && parts.Length > 1 ? parts[0] + "/" + parts[1] : parts[0];
}

static Sparse Featurize(Row row)
{
    var normalized = TextNormalizer.NormalizeForDetection(row.Text, out var stats, TextNormalizer.MaxDecodedCharacters);
    var window = normalized.AsSpan(0, Math.Min(normalized.Length, PromptInjectionDetector.DefaultWindowCharacters));
    var bits = InjectionSignals.EvaluateRegex(window) | InjectionSignals.EvaluateObfuscation(stats);
    var sink = new CollectingSink(new Dictionary<int, int>(), new Dictionary<int, int>());
    InjectionFeatures.Extract(window, ref sink);
    var merged = new Dictionary<int, float>();
    var charNorm = 1 / Math.Sqrt(Math.Max(1, sink.Chars.Values.Sum()));
    var wordNorm = 1 / Math.Sqrt(Math.Max(1, sink.Words.Values.Sum()));
    foreach (var (bucket, count) in sink.Chars)
    {
        merged[bucket] = (float)(count * charNorm);
    }

    foreach (var (bucket, count) in sink.Words)
    {
        merged[bucket] = merged.GetValueOrDefault(bucket) + (float)(count * wordNorm);
    }

    return new Sparse(merged.Keys.ToArray(), merged.Values.ToArray(), bits);
}

internal readonly record struct CollectingSink(Dictionary<int, int> Chars, Dictionary<int, int> Words) : InjectionFeatures.ISink
{
    public void Char(int bucket) => Chars[bucket] = Chars.GetValueOrDefault(bucket) + 1;

    public void Word(int bucket) => Words[bucket] = Words.GetValueOrDefault(bucket) + 1;
}
