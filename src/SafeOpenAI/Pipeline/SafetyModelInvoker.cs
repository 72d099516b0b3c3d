namespace SafeOpenAI;

/// <summary>
/// Calls the model with the request as the input stages left it and returns its whole answer.
/// Each front door supplies one (the OpenAI <c>ChatClient</c> door maps the neutral request back
/// to SDK messages and options; a streaming door buffers the stream).
/// </summary>
/// <param name="request">The hardened, guarded request.</param>
/// <param name="cancellationToken">Cancels the model call (also used when concurrent input moderation blocks).</param>
/// <returns>The model's answer.</returns>
public delegate Task<SafetyResponse> SafetyModelInvoker(SafetyRequest request, CancellationToken cancellationToken);
