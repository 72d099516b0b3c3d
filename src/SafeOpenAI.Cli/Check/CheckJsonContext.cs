using System.Text.Json.Serialization;

namespace SafeOpenAI.Cli.Check;

/// <summary>Source-generated serializer for <see cref="CheckJsonReport"/>: snake_case names, indented for people reading CI artifacts.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(CheckJsonReport))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;
