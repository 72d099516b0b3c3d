namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The request budget of a run (<c>--max-requests</c>): the chat-completion requests the runner causes
/// (every model call of the pipeline, re-asks included) plus its own moderation and judge calls. A case
/// starts only when its worst case fits in what is left (<see cref="TryReserve"/>); when it finishes,
/// what it did not use is given back (<see cref="Settle"/>). Thread-safe.
/// </summary>
internal sealed class RequestBudget
{
    private readonly object _gate = new();
    private readonly long? _limit;
    private long _reserved;
    private long _counted;

    /// <summary>Creates a budget.</summary>
    /// <param name="limit">The most requests the run may cause; <see langword="null"/> for no limit.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public RequestBudget(long? limit)
    {
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "--max-requests must be at least 1.");
        }

        _limit = limit;
    }

    /// <summary>Gets the requests counted so far.</summary>
    public long Counted => Interlocked.Read(ref _counted);

    /// <summary>Reserves a case's worst case.</summary>
    /// <param name="requests">The most requests the case can cause.</param>
    /// <returns>Whether the case may start.</returns>
    public bool TryReserve(int requests)
    {
        lock (_gate)
        {
            if (_limit is { } limit && _reserved + requests > limit)
            {
                return false;
            }

            _reserved += requests;
            return true;
        }
    }

    /// <summary>Gives back what a finished case reserved but did not use.</summary>
    /// <param name="reserved">What the case reserved.</param>
    /// <param name="used">What it used.</param>
    public void Settle(int reserved, int used)
    {
        lock (_gate)
        {
            _reserved -= Math.Max(0, reserved - used);
        }
    }

    /// <summary>Counts the requests a finished case sent.</summary>
    /// <param name="requests">How many.</param>
    public void Count(int requests) => Interlocked.Add(ref _counted, requests);
}
