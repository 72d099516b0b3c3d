using System.Globalization;

namespace SafeOpenAI.InjectionTrainer;

/// <summary>Command-line options of the trainer.</summary>
internal sealed class Args
{
    public string DataDirectory { get; private set; } = Path.Combine("..", "shared", "data", "injection");

    public string Output { get; private set; } = Path.Combine("src", "SafeOpenAI", "Injection", "Model", "injection-model.bin");

    public int Seed { get; private set; } = 20240611;

    public int Folds { get; private set; } = 5;

    public int Epochs { get; private set; } = 12;

    public double LearningRate { get; private set; } = 0.5;

    public double L2 { get; private set; } = 1e-4;

    public double TargetFpr { get; private set; }

    public int SyntheticDirect { get; private set; } = 400;

    public int DocumentsPerAttack { get; private set; } = 4;

    public int GrammarPerFamily { get; private set; } = 120;

    public double GeneratedWeight { get; private set; } = 3.0;

    public double L2Signals { get; private set; } = 1e-6;

    public static Args Parse(string[] args)
    {
        var a = new Args();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--data": a.DataDirectory = v; break;
                case "--out": a.Output = v; break;
                case "--seed": a.Seed = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--folds": a.Folds = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--epochs": a.Epochs = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--lr": a.LearningRate = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--l2": a.L2 = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--target-fpr": a.TargetFpr = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--synthetic": a.SyntheticDirect = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--docs-per-attack": a.DocumentsPerAttack = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--grammar": a.GrammarPerFamily = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--generated-weight": a.GeneratedWeight = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--l2-signals": a.L2Signals = double.Parse(v, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        return a;
    }
}
