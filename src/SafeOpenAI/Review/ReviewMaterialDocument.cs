namespace SafeOpenAI;

/// <summary>The JSON shape of <see cref="ReviewMaterial"/> (snake_case, enums as numbers), encrypted at rest.</summary>
internal sealed class ReviewMaterialDocument
{
    public List<ReviewMessageDocument> Conversation { get; set; } = [];

    public string Answer { get; set; } = string.Empty;

    public List<ReviewSourceDocument> Sources { get; set; } = [];

    public List<ReviewVerdictDocument> Verdicts { get; set; } = [];
}

/// <summary>One message of the stored conversation.</summary>
internal sealed class ReviewMessageDocument
{
    public int Role { get; set; }

    public string Text { get; set; } = string.Empty;
}

/// <summary>One stored source.</summary>
internal sealed class ReviewSourceDocument
{
    public string Id { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;
}

/// <summary>One stored verdict, with the phase the pipeline ran it in.</summary>
internal sealed class ReviewVerdictDocument
{
    public string Stage { get; set; } = string.Empty;

    public int Phase { get; set; }

    public int Action { get; set; }

    public string Code { get; set; } = string.Empty;

    public string? UserMessage { get; set; }

    public Dictionary<string, string> Evidence { get; set; } = [];
}
