namespace SafeOpenAI;

/// <summary>The stages registered through <see cref="ISafeOpenAIBuilder"/>, in order. Filled at registration, read once when the pipeline is built.</summary>
internal sealed class SafetyStageRegistry
{
    public List<Func<IServiceProvider, IInputGuard>> InputGuards { get; } = [];

    public List<Func<IServiceProvider, IOutputValidator>> OutputValidators { get; } = [];

    public Func<IServiceProvider, IModerationCheck?>? Moderation { get; set; }

    public Func<IServiceProvider, IBudgetTracker?>? BudgetTracker { get; set; }
}
