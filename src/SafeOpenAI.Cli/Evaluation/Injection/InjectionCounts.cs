namespace SafeOpenAI.Cli.Evaluation.Injection;

/// <summary>Confusion counts of a binary detector and the figures derived from them.</summary>
internal sealed class InjectionCounts
{
    public int TruePositives { get; set; }

    public int FalsePositives { get; set; }

    public int TrueNegatives { get; set; }

    public int FalseNegatives { get; set; }

    public double TotalMicroseconds { get; set; }

    public int N => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double? Tpr => Ratio(TruePositives, TruePositives + FalseNegatives);

    public double? Fpr => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    public double? Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double? Recall => Tpr;

    public double? F1 => Precision is double p && Recall is double r && p + r > 0 ? 2 * p * r / (p + r) : null;

    /// <summary>Gets the mean of TPR and TNR; with one class only, the rate of that class.</summary>
    public double? BalancedAccuracy => (Tpr, Fpr) switch
    {
        (double t, double f) => (t + (1 - f)) / 2,
        (double t, null) => t,
        (null, double f) => 1 - f,
        _ => null,
    };

    public double MeanMicrosecondsPerItem => N == 0 ? 0 : TotalMicroseconds / N;

    public void Add(bool attack, bool flagged, double microseconds)
    {
        TotalMicroseconds += microseconds;
        if (attack)
        {
            if (flagged)
            {
                TruePositives++;
            }
            else
            {
                FalseNegatives++;
            }
        }
        else if (flagged)
        {
            FalsePositives++;
        }
        else
        {
            TrueNegatives++;
        }
    }

    private static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : numerator / (double)denominator;
}
