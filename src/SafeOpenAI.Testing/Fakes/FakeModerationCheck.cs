using System.Collections.Concurrent;

namespace SafeOpenAI.Testing;

/// <summary>One call of <see cref="FakeModerationCheck.ModerateAsync"/>.</summary>
/// <param name="Direction">Input or output.</param>
/// <param name="Parts">The parts that were to be classified.</param>
/// <param name="Request">The request they belong to.</param>
public sealed record ModerationCall(ModerationDirection Direction, IReadOnlyList<MessagePart> Parts, SafetyRequest Request);

/// <summary>
/// A scriptable <see cref="IModerationCheck"/> for unit tests: returns a configured verdict per
/// direction (Allow by default) or what <see cref="Handler"/> computes, and records every call.
/// </summary>
/// <remarks>Thread-safe: configure it before or during calls; <see cref="Calls"/> is a snapshot.</remarks>
public sealed class FakeModerationCheck : IModerationCheck
{
    private readonly ConcurrentQueue<ModerationCall> _calls = new();
    private volatile SafetyVerdict? _inputVerdict;
    private volatile SafetyVerdict? _outputVerdict;
    private volatile Func<ModerationCall, SafetyVerdict>? _handler;

    /// <summary>Creates a check that allows everything.</summary>
    /// <param name="name">The stage name used in verdicts.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or white space.</exception>
    public FakeModerationCheck(string name = "FakeModeration")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets or sets the verdict on input parts; <see langword="null"/> (the default) means Allow.</summary>
    public SafetyVerdict? InputVerdict
    {
        get => _inputVerdict;
        set => _inputVerdict = value;
    }

    /// <summary>Gets or sets the verdict on output parts; <see langword="null"/> (the default) means Allow.</summary>
    public SafetyVerdict? OutputVerdict
    {
        get => _outputVerdict;
        set => _outputVerdict = value;
    }

    /// <summary>Gets or sets a function of the call that computes the verdict (it may throw); it wins over the per-direction verdicts.</summary>
    public Func<ModerationCall, SafetyVerdict>? Handler
    {
        get => _handler;
        set => _handler = value;
    }

    /// <summary>Gets or sets how long each call waits before answering (honouring cancellation). Default none.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Gets the calls made so far, in call order.</summary>
    public IReadOnlyList<ModerationCall> Calls => _calls.ToArray();

    /// <summary>Gets how many calls were made.</summary>
    public int CallCount => _calls.Count;

    /// <summary>Creates the Block verdict a real check gives for a flagged category: code <c>moderation.flagged:&lt;category&gt;</c>, with the category and score as evidence.</summary>
    /// <param name="category">The category, for example <c>violence</c>.</param>
    /// <param name="score">The score, 0 to 1.</param>
    /// <returns>The verdict, attributed to this check.</returns>
    /// <exception cref="ArgumentException"><paramref name="category"/> is null or white space.</exception>
    public SafetyVerdict Flagged(string category, double score = 0.97)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        return SafetyVerdict.Block(
            Name,
            "moderation.flagged:" + category,
            "The content was flagged by moderation.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["category"] = category,
                ["score"] = score.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
            });
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<SafetyVerdict> ModerateAsync(ModerationDirection direction, IReadOnlyList<MessagePart> parts, SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var call = new ModerationCall(direction, parts, request);
        _calls.Enqueue(call);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        var handler = _handler;
        if (handler is not null)
        {
            return handler(call);
        }

        return (direction == ModerationDirection.Input ? _inputVerdict : _outputVerdict) ?? SafetyVerdict.Allow(Name);
    }
}
