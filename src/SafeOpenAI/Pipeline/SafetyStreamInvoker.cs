namespace SafeOpenAI;

/// <summary>Starts the streamed model call for a guarded request, as a front door implements it.</summary>
/// <param name="request">The request after identity, hardening and the input stages.</param>
/// <param name="cancellationToken">Cancels the stream; the pipeline cancels it when a window fails.</param>
/// <returns>The answer's chunks in order, optionally ending with a <see cref="SafetyStreamChunk.Completed"/> chunk.</returns>
public delegate IAsyncEnumerable<SafetyStreamChunk> SafetyStreamInvoker(SafetyRequest request, CancellationToken cancellationToken);
