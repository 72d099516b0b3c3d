namespace SafeOpenAI;

/// <summary>One stage of a composed <see cref="SafetyPipeline"/>, for inspection in tests and diagnostics.</summary>
/// <param name="Phase">The step the stage runs in.</param>
/// <param name="Name">The stage's name, as used in verdicts.</param>
/// <param name="ImplementationType">The stage's type.</param>
public sealed record SafetyStageDescriptor(SafetyPhase Phase, string Name, Type ImplementationType);
