using System.Text.Json;

namespace SafeOpenAI;

/// <summary>
/// Turns <see cref="ReviewMaterial"/> into the JSON that is encrypted at rest and back, through
/// the source-generated <see cref="ReviewJsonContext"/> (no reflection). Enums are stored as their
/// numbers, which never change; a verdict keeps its <see cref="SafetyVerdict.Phase"/>. Thread-safe.
/// </summary>
internal static class ReviewMaterialCodec
{
    public static string Serialize(ReviewMaterial material)
    {
        var document = new ReviewMaterialDocument
        {
            Conversation = material.Conversation.Select(static m => new ReviewMessageDocument { Role = (int)m.Role, Text = m.Text }).ToList(),
            Answer = material.Answer,
            Sources = material.Sources.Select(static s => new ReviewSourceDocument { Id = s.Id, Text = s.Text }).ToList(),
            Verdicts = material.Verdicts.Select(static v => new ReviewVerdictDocument
            {
                Stage = v.Stage,
                Phase = (int)v.Phase,
                Action = (int)v.Action,
                Code = v.Code,
                UserMessage = v.UserMessage,
                Evidence = new Dictionary<string, string>(v.Evidence, StringComparer.Ordinal),
            }).ToList(),
        };
        return JsonSerializer.Serialize(document, ReviewJsonContext.Default.ReviewMaterialDocument);
    }

    /// <exception cref="FormatException">The JSON is not review material.</exception>
    public static ReviewMaterial Deserialize(string json)
    {
        ReviewMaterialDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ReviewJsonContext.Default.ReviewMaterialDocument);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The decrypted review material is not valid JSON.", ex);
        }

        if (document is null)
        {
            throw new FormatException("The decrypted review material is empty.");
        }

        return new ReviewMaterial(
            document.Conversation.Select(static m => new ReviewMessage((MessageRole)m.Role, m.Text)).ToArray(),
            document.Answer,
            document.Sources.Select(static s => new SourceDocument(s.Id, s.Text)).ToArray(),
            document.Verdicts.Select(static v => new SafetyVerdict(v.Stage, (SafetyAction)v.Action, v.Code, v.UserMessage, v.Evidence).InPhase((SafetyPhase)v.Phase)).ToArray());
    }
}
