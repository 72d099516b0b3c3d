namespace SafeOpenAI.Cli.RedTeam;

/// <summary>The attacks of one category in a red-team report and how many succeeded.</summary>
/// <param name="Name">The category in snake_case.</param>
/// <param name="Attacks">How many attacks of the category ran.</param>
/// <param name="Succeeded">How many of them succeeded.</param>
internal sealed record CategoryResult(string Name, int Attacks, int Succeeded)
{
    /// <summary>Gets the attack success rate, succeeded / attacks, 0..1.</summary>
    public double AttackSuccessRate => Attacks == 0 ? 0 : (double)Succeeded / Attacks;

    /// <summary>Gets the 95 % Wilson score interval of <see cref="AttackSuccessRate"/>.</summary>
    public WilsonInterval Interval => WilsonInterval.Compute(Succeeded, Attacks);
}
