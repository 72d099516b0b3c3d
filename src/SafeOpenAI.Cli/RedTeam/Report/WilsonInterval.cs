namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// A 95 % Wilson score confidence interval for a binomial proportion, such as an attack success rate.
/// </summary>
/// <remarks>
/// E. B. Wilson, "Probable Inference, the Law of Succession, and Statistical Inference",
/// Journal of the American Statistical Association 22 (158), 209–212, 1927. Unlike the normal
/// (Wald) interval it stays inside [0, 1] and does not collapse to a point at 0 or n successes,
/// which matters for categories of a few dozen attacks where 0 successes is the usual result.
/// </remarks>
/// <param name="Low">The lower bound, 0..1.</param>
/// <param name="High">The upper bound, 0..1.</param>
internal readonly record struct WilsonInterval(double Low, double High)
{
    /// <summary>The standard normal quantile for a two-sided 95 % interval (the 0.975 quantile).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Computes the 95 % Wilson score interval of <paramref name="successes"/> out of <paramref name="trials"/>.</summary>
    /// <param name="successes">The number of successes, 0..<paramref name="trials"/>.</param>
    /// <param name="trials">The number of trials; 0 gives the uninformative interval [0, 1].</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or successes exceed trials.</exception>
    public static WilsonInterval Compute(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return new WilsonInterval(0, 1);
        }

        const double z2 = Z95 * Z95;
        double n = trials;
        var p = successes / n;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var halfWidth = Z95 / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));

        // At 0 and n successes the bounds are exactly 0 and 1; the arithmetic would leave rounding dust.
        var low = successes == 0 ? 0 : Math.Max(0, centre - halfWidth);
        var high = successes == trials ? 1 : Math.Min(1, centre + halfWidth);
        return new WilsonInterval(low, high);
    }
}
