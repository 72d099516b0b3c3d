using System.Text.Json.Serialization;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Source-generated serializer for <see cref="RedTeamJsonReport"/>: snake_case names, null
/// <c>blocked_by</c> written (the contract has the key on every attack), indented for people reading CI artifacts.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(RedTeamJsonReport))]
internal sealed partial class RedTeamJsonContext : JsonSerializerContext;
