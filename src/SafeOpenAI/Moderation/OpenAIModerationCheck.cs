// ModerationClient.ClassifyInputsAsync, ModerationInputPart and ModerationCategory.ApplicableInputKinds
// are marked [Experimental("OPENAI001")] in OpenAI 2.15.0, yet they are the SDK's only way to send
// images to omni-moderation and to read category_applied_input_types. Suppressed for this file only.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenAI.Moderations;

namespace SafeOpenAI;

/// <summary>
/// Classifies text and image parts with OpenAI's moderation endpoint (<c>POST /v1/moderations</c>,
/// by default on <c>omni-moderation-latest</c>) through the SDK's <see cref="ModerationClient"/>.
/// </summary>
/// <remarks>
/// <para>
/// Text parts are joined with a line feed into one text input; each image part (by URL, or inline
/// as a data URI) is sent as an image input, as OpenAI's moderation guide describes for the omni
/// models. Parts of other kinds are ignored; with nothing to classify the check allows without a
/// call.
/// </para>
/// <para>
/// Decision: Block when <see cref="ModerationOptions.BlockWhenFlagged"/> is set and the service
/// flagged the input (in one of <see cref="ModerationOptions.FlaggedCategories"/> when any are
/// listed), or when any category's score reaches its
/// <see cref="ModerationOptions.CategoryThresholds"/> entry. The code is
/// <c>moderation.flagged:&lt;top category&gt;</c>, the top category being the highest-scoring of
/// the flagged or over-threshold categories. Evidence: <c>direction</c>, <c>categories</c>
/// (comma-separated), <c>top_category</c>, <c>top_score</c> (invariant culture, 4 decimals),
/// <c>applied_input_types</c> (for example <c>violence=text,image;hate=text</c>) and <c>model</c>
/// (as the response names it). An Allow carries <c>direction</c>, <c>max_category</c>,
/// <c>max_score</c> and <c>model</c>. Category names are the API's.
/// </para>
/// <para>
/// Grey zone: when nothing blocks and <see cref="ModerationOptions.ReviewThreshold"/> is set, a
/// highest category score at or above it gives a Review verdict (the answer goes to a person) with
/// code <c>moderation.review:&lt;category&gt;</c> and evidence <c>direction</c>, <c>top_category</c>,
/// <c>top_score</c>, <c>review_threshold</c> and <c>model</c>. It counts as a moderation score in
/// the audit record, not as a flag.
/// </para>
/// <para>
/// Failure (an HTTP error as <see cref="ClientResultException"/>, a transport error, a response
/// the SDK cannot read, or no answer within <see cref="ModerationOptions.Timeout"/> measured on
/// the <see cref="TimeProvider"/>) follows <see cref="ModerationOptions.FailurePolicy"/>:
/// <see cref="ModerationFailurePolicy.FailClosed"/> blocks with <c>moderation.unavailable</c>,
/// <see cref="ModerationFailurePolicy.FailOpen"/> allows with <c>moderation.failed_open</c>. The
/// evidence <c>error</c> holds the exception type name only, and <c>http_status</c> the HTTP
/// status when there is one; exception messages (which may echo input) are never recorded.
/// Cancellation by the caller's token is not a failure: it propagates as
/// <see cref="OperationCanceledException"/>.
/// </para>
/// <para>Thread-safe. The options are read once, in the constructor.</para>
/// </remarks>
public sealed class OpenAIModerationCheck : IModerationCheck
{
    /// <summary>The code prefix of a blocking verdict: <c>moderation.flagged</c> (followed by <c>:&lt;category&gt;</c>).</summary>
    public const string FlaggedCode = "moderation.flagged";

    /// <summary>The code prefix of a grey-zone verdict that sends the call to human review: <c>moderation.review</c> (followed by <c>:&lt;category&gt;</c>).</summary>
    public const string ReviewCode = "moderation.review";

    /// <summary>The code of a fail-closed verdict: <c>moderation.unavailable</c>.</summary>
    public const string UnavailableCode = "moderation.unavailable";

    /// <summary>The code of a fail-open verdict: <c>moderation.failed_open</c>.</summary>
    public const string FailedOpenCode = "moderation.failed_open";

    private const string StageName = "OpenAIModeration";
    private const string InputBlockedMessage = "This content was blocked by moderation.";
    private const string OutputBlockedMessage = "The answer was withheld by moderation.";
    private const string UnavailableMessage = "Moderation is unavailable; the request was not sent.";
    private const string ReviewMessage = "This needs a check by a person before the answer is shown.";

    private readonly ModerationClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan? _timeout;
    private readonly ModerationFailurePolicy _failurePolicy;
    private readonly bool _blockWhenFlagged;
    private readonly bool[]? _flaggedCategories;
    private readonly string _configuredModel;
    private readonly float? _reviewThreshold;

    // Indexed like ModerationCategories.All; NaN = no threshold.
    private readonly float[] _thresholds;

    /// <summary>Creates the check.</summary>
    /// <param name="client">The SDK client, created for the moderation model (normally <see cref="ModerationOptions.Model"/>).</param>
    /// <param name="options">The settings; read once.</param>
    /// <param name="timeProvider">The clock for the timeout; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A <see cref="ModerationOptions.CategoryThresholds"/> or <see cref="ModerationOptions.FlaggedCategories"/> key is not an API category name, or a threshold is outside 0 to 1; or <see cref="ModerationOptions.ReviewThreshold"/> is outside 0 to 1 or not below every category threshold.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ModerationOptions.Timeout"/> is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>, which means no timeout).</exception>
    public OpenAIModerationCheck(ModerationClient client, ModerationOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "The moderation timeout must be positive, or infinite.");
        }

        _client = client;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timeout = options.Timeout == Timeout.InfiniteTimeSpan ? null : options.Timeout;
        _failurePolicy = options.FailurePolicy;
        _blockWhenFlagged = options.BlockWhenFlagged;
        _flaggedCategories = FlaggedCategoryMask(options.FlaggedCategories);
        _configuredModel = options.Model;
        _thresholds = ModerationCategories.ToThresholdArray(options.CategoryThresholds);
        if (options.ReviewThreshold is { } review)
        {
            if (float.IsNaN(review) || review < 0 || review > 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ModerationOptions.ReviewThreshold must be between 0 and 1 (was {review})."), nameof(options));
            }

            foreach (var (category, threshold) in options.CategoryThresholds)
            {
                if (review >= threshold)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ModerationOptions.ReviewThreshold ({review}) must be below every block threshold; the threshold of '{category}' is {threshold}."), nameof(options));
                }
            }

            _reviewThreshold = review;
        }
    }

    /// <summary>Gets the stage name: <c>OpenAIModeration</c>.</summary>
    public string Name => StageName;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> or <paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<SafetyVerdict> ModerateAsync(ModerationDirection direction, IReadOnlyList<MessagePart> parts, SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var text = JoinText(parts);
        var images = CollectImages(parts);
        if (text is null && images is null)
        {
            return SafetyVerdict.Allow(StageName);
        }

        using var timeout = _timeout is { } t ? new CancellationTokenSource(t, _timeProvider) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;

        ModerationResult? result;
        string? responseModel;
        try
        {
            ClientResult<ModerationResult> response;
            if (images is null)
            {
                response = await _client.ClassifyTextAsync(text!, token).ConfigureAwait(false);
            }
            else
            {
                var inputs = new List<ModerationInputPart>(images.Count + 1);
                if (text is not null)
                {
                    inputs.Add(ModerationInputPart.CreateTextPart(text));
                }

                foreach (var image in images)
                {
                    inputs.Add(ModerationInputPart.CreateImagePart(image));
                }

                response = await _client.ClassifyInputsAsync(inputs, token).ConfigureAwait(false);
            }

            result = response?.Value;
            responseModel = TryReadModel(response);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any classifier failure (HTTP, transport, timeout, unreadable JSON) is handled by the failure policy rather than thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Failed(direction, ex);
        }

        if (result is null)
        {
            return Failed(direction, new InvalidOperationException());
        }

        return Decide(direction, result, responseModel ?? _configuredModel);
    }

    private static string? JoinText(IReadOnlyList<MessagePart> parts)
    {
        string? single = null;
        StringBuilder? builder = null;
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Kind != MessagePartKind.Text || string.IsNullOrEmpty(part.Text))
            {
                continue;
            }

            if (single is null)
            {
                single = part.Text;
                continue;
            }

            builder ??= new StringBuilder(single);
            builder.Append('\n').Append(part.Text);
        }

        return builder?.ToString() ?? single;
    }

    private static List<Uri>? CollectImages(IReadOnlyList<MessagePart> parts)
    {
        List<Uri>? images = null;
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Kind == MessagePartKind.Image && parts[i].GetImageUriOrDataUri() is { } uri)
            {
                (images ??= []).Add(uri);
            }
        }

        return images;
    }

    /// <summary>Reads the top-level <c>model</c> of the raw response body; <see langword="null"/> when there is none.</summary>
    private static string? TryReadModel(ClientResult? response)
    {
        try
        {
            var body = response?.GetRawResponse()?.Content;
            if (body is null)
            {
                return null;
            }

            var reader = new Utf8JsonReader(body.ToMemory().Span);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("model"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    reader.Skip();
                }
            }
        }
#pragma warning disable CA1031 // The model name is a nicety for the evidence; an unreadable body falls back to the configured model.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return null;
    }

    private static string Format(float score) => score.ToString("F4", CultureInfo.InvariantCulture);

    private static string Direction(ModerationDirection direction) =>
        direction == ModerationDirection.Output ? "output" : "input";

    private static string InputKinds(ModerationApplicableInputKinds kinds)
    {
        return kinds switch
        {
            ModerationApplicableInputKinds.Text => "text",
            ModerationApplicableInputKinds.Image => "image",
            ModerationApplicableInputKinds.Text | ModerationApplicableInputKinds.Image => "text,image",
            ModerationApplicableInputKinds.None => "none",
            _ => Slow(kinds),
        };

        static string Slow(ModerationApplicableInputKinds kinds)
        {
            var names = new List<string>(3);
            if (kinds.HasFlag(ModerationApplicableInputKinds.Text))
            {
                names.Add("text");
            }

            if (kinds.HasFlag(ModerationApplicableInputKinds.Image))
            {
                names.Add("image");
            }

            if (kinds.HasFlag(ModerationApplicableInputKinds.Other))
            {
                names.Add("other");
            }

            return string.Join(',', names);
        }
    }

    /// <summary>The categories whose flag counts, by index of <see cref="ModerationCategories.All"/>; <see langword="null"/> for every category.</summary>
    /// <exception cref="ArgumentException">A name is not an API category name.</exception>
    private static bool[]? FlaggedCategoryMask(ISet<string> names)
    {
        if (names.Count == 0)
        {
            return null;
        }

        var mask = new bool[ModerationCategories.All.Length];
        foreach (var name in names)
        {
            var index = Array.FindIndex(ModerationCategories.All, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new ArgumentException($"ModerationOptions.FlaggedCategories: '{name}' is not a moderation category. Use the API names, for example 'violence' or 'self-harm/intent'.", nameof(names));
            }

            mask[index] = true;
        }

        return mask;
    }

    private SafetyVerdict Decide(ModerationDirection direction, ModerationResult result, string model)
    {
        var all = ModerationCategories.All;
        var blocked = _blockWhenFlagged && result.Flagged && _flaggedCategories is null;
        var maxIndex = -1;
        var maxScore = float.MinValue;
        var topIndex = -1;
        var topScore = float.MinValue;
        var categories = new StringBuilder();
        var inputTypes = new StringBuilder();

        for (var i = 0; i < all.Length; i++)
        {
            var category = all[i].Read(result);
            if (category is null)
            {
                continue;
            }

            var score = category.Score;
            if (score > maxScore)
            {
                maxScore = score;
                maxIndex = i;
            }

            var overThreshold = !float.IsNaN(_thresholds[i]) && score >= _thresholds[i];
            var flaggedAndCounted = _blockWhenFlagged && category.Flagged && (_flaggedCategories is null || _flaggedCategories[i]);
            if (!(overThreshold || flaggedAndCounted))
            {
                continue;
            }

            blocked = true;
            if (score > topScore)
            {
                topScore = score;
                topIndex = i;
            }

            if (categories.Length > 0)
            {
                categories.Append(',');
                inputTypes.Append(';');
            }

            categories.Append(all[i].Name);
            inputTypes.Append(all[i].Name).Append('=').Append(InputKinds(category.ApplicableInputKinds));
        }

        if (!blocked && _reviewThreshold is { } reviewThreshold && maxIndex >= 0 && maxScore >= reviewThreshold)
        {
            // The grey zone: not blocked, but too close to a block for the answer to go out unseen.
            var reviewEvidence = new Dictionary<string, string>(5, StringComparer.Ordinal)
            {
                ["direction"] = Direction(direction),
                ["top_category"] = all[maxIndex].Name,
                ["top_score"] = Format(maxScore),
                ["review_threshold"] = Format(reviewThreshold),
                ["model"] = model,
            };
            return new SafetyVerdict(StageName, SafetyAction.Review, ReviewCode + ":" + all[maxIndex].Name, ReviewMessage, reviewEvidence);
        }

        if (!blocked)
        {
            var allowEvidence = new Dictionary<string, string>(4, StringComparer.Ordinal)
            {
                ["direction"] = Direction(direction),
                ["model"] = model,
            };
            if (maxIndex >= 0)
            {
                allowEvidence["max_category"] = all[maxIndex].Name;
                allowEvidence["max_score"] = Format(maxScore);
            }

            return new SafetyVerdict(StageName, SafetyAction.Allow, SafetyVerdict.AllowedCode, null, allowEvidence);
        }

        // Flagged overall but no single category flagged (possible in a malformed or future
        // response): name the highest-scoring category rather than nothing.
        if (topIndex < 0)
        {
            topIndex = maxIndex;
            topScore = maxIndex >= 0 ? maxScore : 0f;
        }

        var topName = topIndex >= 0 ? all[topIndex].Name : "unknown";
        var evidence = new Dictionary<string, string>(6, StringComparer.Ordinal)
        {
            ["direction"] = Direction(direction),
            ["categories"] = categories.Length > 0 ? categories.ToString() : topName,
            ["top_category"] = topName,
            ["top_score"] = Format(topScore),
            ["applied_input_types"] = inputTypes.ToString(),
            ["model"] = model,
        };

        return SafetyVerdict.Block(
            StageName,
            FlaggedCode + ":" + topName,
            direction == ModerationDirection.Output ? OutputBlockedMessage : InputBlockedMessage,
            evidence);
    }

    private SafetyVerdict Failed(ModerationDirection direction, Exception exception)
    {
        var evidence = new Dictionary<string, string>(4, StringComparer.Ordinal)
        {
            ["direction"] = Direction(direction),
            ["error"] = exception is OperationCanceledException ? "Timeout" : exception.GetType().Name,
            ["failure_policy"] = _failurePolicy == ModerationFailurePolicy.FailOpen ? "fail_open" : "fail_closed",
        };

        var status = exception switch
        {
            ClientResultException { Status: > 0 } clientError => clientError.Status,
            HttpRequestException { StatusCode: { } httpStatus } => (int)httpStatus,
            _ => 0,
        };
        if (status > 0)
        {
            evidence["http_status"] = status.ToString(CultureInfo.InvariantCulture);
        }

        return _failurePolicy == ModerationFailurePolicy.FailOpen
            ? new SafetyVerdict(StageName, SafetyAction.Allow, FailedOpenCode, null, evidence)
            : SafetyVerdict.Block(StageName, UnavailableCode, UnavailableMessage, evidence);
    }
}
