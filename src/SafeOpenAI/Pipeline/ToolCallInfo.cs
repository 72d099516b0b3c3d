namespace SafeOpenAI;

/// <summary>A function call the model requested, in the neutral view. Immutable and thread-safe.</summary>
/// <param name="Id">The call id the tool result refers back to.</param>
/// <param name="FunctionName">The name of the function the model asked to call.</param>
/// <param name="Arguments">The arguments as the model wrote them (normally a JSON object).</param>
public sealed record ToolCallInfo(string Id, string FunctionName, string Arguments);
