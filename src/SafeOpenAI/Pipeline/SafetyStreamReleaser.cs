namespace SafeOpenAI;

/// <summary>Passes released chunks of a streamed answer to the caller, as a front door implements it.</summary>
/// <param name="release">The chunks that passed their checks.</param>
/// <param name="cancellationToken">Cancels the call.</param>
/// <returns>A task that completes when the chunks have been handed on.</returns>
public delegate ValueTask SafetyStreamReleaser(SafetyStreamRelease release, CancellationToken cancellationToken);
