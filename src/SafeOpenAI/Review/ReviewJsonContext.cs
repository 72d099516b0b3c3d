using System.Text.Json.Serialization;

namespace SafeOpenAI;

/// <summary>The source-generated JSON serializer of stored review material.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReviewMaterialDocument))]
internal sealed partial class ReviewJsonContext : JsonSerializerContext
{
}
