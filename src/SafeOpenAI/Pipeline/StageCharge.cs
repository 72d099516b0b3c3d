namespace SafeOpenAI;

/// <summary>
/// One model call of an <see cref="IModelBackedStage"/> within a call: its plan's upper bound, its
/// price, its budget reservation, and what the stage reported. Settled with the call. Used by one call at a time.
/// </summary>
internal sealed class StageCharge(string stage, string model, TokenUsage plannedUpperBound, ModelPrice? price)
{
    public string Stage { get; } = stage;

    public string Model { get; } = model;

    /// <summary>Gets the prompt tokens (an upper bound) and output cap of the plan: what is charged when the stage reports nothing.</summary>
    public TokenUsage PlannedUpperBound { get; } = plannedUpperBound;

    public ModelPrice? Price { get; } = price;

    public BudgetReservation? Reservation { get; set; }

    /// <summary>Gets or sets a value indicating whether the stage started (and so may have called its model).</summary>
    public bool Started { get; set; }

    public ModelCallUsage? Reported { get; set; }

    /// <summary>What the call billed as far as can be known: the reported usage, else the plan's upper bound; <see langword="null"/> when the stage never started.</summary>
    public StageModelUsage? Billed()
    {
        if (!Started)
        {
            return null;
        }

        var usage = Reported?.Usage ?? PlannedUpperBound;
        return new StageModelUsage(Stage, Reported?.Model ?? Model, usage, Price?.CostOf(usage), Reported is null);
    }
}
