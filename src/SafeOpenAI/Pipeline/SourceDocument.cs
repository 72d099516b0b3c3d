namespace SafeOpenAI;

/// <summary>
/// A source an answer should be grounded in (a RAG passage, a tool result, a knowledge-base
/// article), carried with the request for output validators and human reviewers.
/// </summary>
/// <param name="Id">A stable id that citations refer to.</param>
/// <param name="Text">The source text.</param>
public sealed record SourceDocument(string Id, string Text);
