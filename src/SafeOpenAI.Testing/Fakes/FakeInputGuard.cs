using System.Collections.Concurrent;

namespace SafeOpenAI.Testing;

/// <summary>
/// A scriptable <see cref="IInputGuard"/> for unit tests: returns <see cref="Result"/> (Allow by
/// default) or what <see cref="Handler"/> computes, and records every request it inspected.
/// </summary>
/// <remarks>Thread-safe: configure it before or during calls; <see cref="Calls"/> is a snapshot.</remarks>
public sealed class FakeInputGuard : IInputGuard
{
    private readonly ConcurrentQueue<SafetyRequest> _calls = new();
    private volatile InputGuardResult? _result;
    private volatile Func<SafetyRequest, InputGuardResult>? _handler;

    /// <summary>Creates a guard that allows everything.</summary>
    /// <param name="name">The stage name used in verdicts.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space.</exception>
    public FakeInputGuard(string name = "FakeInputGuard")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets or sets the result returned when <see cref="Handler"/> is not set; <see langword="null"/> (the default) means <see cref="InputGuardResult.Allow"/>.</summary>
    public InputGuardResult? Result
    {
        get => _result;
        set => _result = value;
    }

    /// <summary>Gets or sets a function of the request that computes the result (it may throw to simulate a failing guard); it wins over <see cref="Result"/>.</summary>
    public Func<SafetyRequest, InputGuardResult>? Handler
    {
        get => _handler;
        set => _handler = value;
    }

    /// <summary>Gets or sets how long each inspection waits before answering (honouring cancellation). Default none.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Gets the requests inspected so far, in call order.</summary>
    public IReadOnlyList<SafetyRequest> Calls => _calls.ToArray();

    /// <summary>Gets how many inspections were made.</summary>
    public int CallCount => _calls.Count;

    /// <summary>Makes the guard block every request with the given code.</summary>
    /// <param name="code">The verdict code, for example <c>input.injection</c>.</param>
    /// <param name="userMessage">The message safe to show the end user.</param>
    public void BlockWith(string code = "input.blocked", string userMessage = "The request was blocked by a test guard.") =>
        Result = InputGuardResult.FromVerdict(SafetyVerdict.Block(Name, code, userMessage));

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        _calls.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        return _handler?.Invoke(request) ?? _result ?? InputGuardResult.Allow(Name);
    }
}
