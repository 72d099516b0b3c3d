using System.Collections.Concurrent;

namespace SafeOpenAI.Testing;

/// <summary>One call of <see cref="FakeOutputValidator.ValidateAsync"/>.</summary>
/// <param name="Request">The request as the model received it.</param>
/// <param name="Response">The answer as earlier validators left it.</param>
public sealed record OutputValidationCall(SafetyRequest Request, SafetyResponse Response);

/// <summary>
/// A scriptable <see cref="IOutputValidator"/> for unit tests: returns <see cref="Result"/>
/// (Allow by default) or what <see cref="Handler"/> computes, and records every call.
/// </summary>
/// <remarks>Thread-safe: configure it before or during calls; <see cref="Calls"/> is a snapshot.</remarks>
public sealed class FakeOutputValidator : IOutputValidator
{
    private readonly ConcurrentQueue<OutputValidationCall> _calls = new();
    private volatile OutputValidationResult? _result;
    private volatile Func<OutputValidationCall, OutputValidationResult>? _handler;

    /// <summary>Creates a validator that allows everything.</summary>
    /// <param name="name">The stage name used in verdicts.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space.</exception>
    public FakeOutputValidator(string name = "FakeOutputValidator")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets or sets the result returned when <see cref="Handler"/> is not set; <see langword="null"/> (the default) means <see cref="OutputValidationResult.Allow"/>.</summary>
    public OutputValidationResult? Result
    {
        get => _result;
        set => _result = value;
    }

    /// <summary>Gets or sets a function of the call that computes the result (it may throw); it wins over <see cref="Result"/>.</summary>
    public Func<OutputValidationCall, OutputValidationResult>? Handler
    {
        get => _handler;
        set => _handler = value;
    }

    /// <summary>Gets or sets the scope reported by <see cref="GetScope"/> for every request. Default <see cref="OutputValidationScope.WholeAnswer"/>.</summary>
    public OutputValidationScope Scope { get; set; } = OutputValidationScope.WholeAnswer;

    /// <summary>Gets or sets how long each call waits before answering (honouring cancellation). Default none.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Gets the calls made so far, in call order.</summary>
    public IReadOnlyList<OutputValidationCall> Calls => _calls.ToArray();

    /// <summary>Gets how many calls were made.</summary>
    public int CallCount => _calls.Count;

    /// <summary>Makes the validator block every answer with the given code.</summary>
    /// <param name="code">The verdict code, for example <c>output.schema_invalid</c>.</param>
    /// <param name="userMessage">The message safe to show the end user.</param>
    public void BlockWith(string code = "output.blocked", string userMessage = "The answer was blocked by a test validator.") =>
        Result = OutputValidationResult.FromVerdict(SafetyVerdict.Block(Name, code, userMessage));

    /// <inheritdoc />
    public OutputValidationScope GetScope(SafetyRequest request) => Scope;

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        var call = new OutputValidationCall(request, response);
        _calls.Enqueue(call);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        return _handler?.Invoke(call) ?? _result ?? OutputValidationResult.Allow(Name);
    }
}
