using Microsoft.Extensions.Configuration;

namespace SafeOpenAI;

/// <summary>One optional defense that <c>SafeOpenAI:Defenses:&lt;Name&gt;</c> can switch on.</summary>
/// <param name="Name">The name under <c>SafeOpenAI:Defenses</c>, for example <c>PromptInjection</c>.</param>
/// <param name="Description">The defense as a sentence names it, for example "prompt-injection guard".</param>
/// <param name="OptionsType">The options class bound from the subsection, or <see langword="null"/> when the defense has none there.</param>
/// <param name="UnbindableKeys">Option keys that configuration cannot express (a delegate, an interface), with what to do instead.</param>
/// <param name="Add">Adds the defense: the builder, the defense's subsection, the whole <c>SafeOpenAI</c> section.</param>
/// <param name="ExtraKeys">Keys of the subsection that are not options but arguments of the defense (the off-topic check's <c>AllowedScope</c>).</param>
internal sealed record ConfiguredDefense(
    string Name,
    string Description,
    Type? OptionsType,
    IReadOnlyDictionary<string, string> UnbindableKeys,
    Action<ISafeOpenAIBuilder, IConfigurationSection, IConfigurationSection> Add,
    IReadOnlyList<string>? ExtraKeys = null);
