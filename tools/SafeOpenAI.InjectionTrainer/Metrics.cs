using System.Globalization;

namespace SafeOpenAI.InjectionTrainer;

/// <summary>Detection metrics for the training card.</summary>
internal static class Metrics
{
    public static double ThresholdForFpr(double[] scores, int[] labels, double targetFpr)
    {
        var benign = scores.Where((_, i) => labels[i] == 0).OrderByDescending(s => s).ToArray();
        if (benign.Length == 0)
        {
            return 0.5;
        }

        var allowed = (int)Math.Floor(targetFpr * benign.Length);
        // The threshold sits just above the (allowed+1)-th highest benign score.
        var t = benign[Math.Min(allowed, benign.Length - 1)] + 1e-6;
        return Math.Clamp(t, 0.05, 0.95);
    }

    public static double ThresholdYouden(double[] scores, int[] labels)
    {
        var best = 0.5;
        var bestJ = double.MinValue;
        var pos = labels.Count(l => l == 1);
        var neg = labels.Length - pos;
        for (var t = 0.05; t <= 0.951; t += 0.005)
        {
            var tp = scores.Where((s, i) => labels[i] == 1 && s >= t).Count();
            var fp = scores.Where((s, i) => labels[i] == 0 && s >= t).Count();
            var j = (tp / (double)Math.Max(1, pos)) - (fp / (double)Math.Max(1, neg));
            if (j > bestJ + 1e-9)
            {
                bestJ = j;
                best = t;
            }
        }

        return best;
    }

    public static string Row(string name, double[] scores, int[] labels, double threshold)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var flagged = scores[i] >= threshold;
            if (labels[i] == 1)
            {
                if (flagged) { tp++; } else { fn++; }
            }
            else if (flagged)
            {
                fp++;
            }
            else
            {
                tn++;
            }
        }

        var tpr = tp + fn == 0 ? double.NaN : tp / (double)(tp + fn);
        var fpr = fp + tn == 0 ? double.NaN : fp / (double)(fp + tn);
        var precision = tp + fp == 0 ? double.NaN : tp / (double)(tp + fp);
        var f1 = 2 * precision * tpr / (precision + tpr);
        var balanced = (tpr + (1 - fpr)) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {scores.Length} | {tpr:P1} | {fpr:P1} | {precision:F3} | {f1:F3} | {balanced:P1} | {Auc(scores, labels):F3} |");
    }

    private static double Auc(double[] scores, int[] labels)
    {
        var pos = scores.Where((_, i) => labels[i] == 1).ToArray();
        var neg = scores.Where((_, i) => labels[i] == 0).OrderBy(s => s).ToArray();
        if (pos.Length == 0 || neg.Length == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        foreach (var p in pos)
        {
            var below = LowerBound(neg, p);
            var upper = LowerBound(neg, Math.BitIncrement(p));
            sum += below + (0.5 * (upper - below));
        }

        return sum / ((double)pos.Length * neg.Length);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) { lo = mid + 1; } else { hi = mid; }
        }

        return lo;
    }
}
