namespace SafeOpenAI;

/// <summary>
/// An <see cref="IInputGuard"/> that may run while the model is already answering, to save its
/// latency (a judge-model check such as the off-topic check). When
/// <see cref="RunsConcurrentlyWithModel"/> is <see langword="true"/>, the pipeline runs the guard
/// after every sequential guard, at the same time as the model call; the moment it blocks, the model
/// call is cancelled, its budget reservation is released and its answer (if one arrived) is never
/// returned. With <see langword="false"/> it runs in order, and a blocked input never reaches the model.
/// </summary>
/// <remarks>
/// A concurrent guard sees the request after every sequential guard (after redaction), and may only
/// allow or block: a rewrite, or an answer in place of the model, arrives too late and fails the call
/// with <see cref="InvalidOperationException"/>. Implementations are thread-safe.
/// </remarks>
public interface IConcurrentInputGuard : IInputGuard
{
    /// <summary>Gets a value indicating whether this guard runs at the same time as the model call.</summary>
    bool RunsConcurrentlyWithModel { get; }
}
