using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SafeOpenAI;

/// <summary>
/// Checks <c>SafeOpenAI:Defenses</c> when the host starts: every name must be a known defense and
/// every key under it <c>Enabled</c> or an option of that defense, so a misspelt key is reported
/// instead of silently leaving a defense off. Thread-safe.
/// </summary>
internal sealed class ConfiguredDefensesValidator(IConfigurationSection defenses) : IValidateOptions<SafeOpenAIOptions>
{
    public ValidateOptionsResult Validate(string? name, SafeOpenAIOptions options)
    {
        var errors = new List<string>();
        foreach (var child in defenses.GetChildren())
        {
            var defense = ConfiguredDefenses.All.FirstOrDefault(d => string.Equals(d.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (defense is null)
            {
                errors.Add($"{child.Path} is not a SafeOpenAI defense; the defenses are {string.Join(", ", ConfiguredDefenses.All.Select(static d => d.Name))}.");
                continue;
            }

            var known = defense.OptionsType?.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(static p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase)
                ?? new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            known.Add(ConfiguredDefenses.EnabledKey);
            known.UnionWith(defense.ExtraKeys ?? []);
            foreach (var key in child.GetChildren())
            {
                if (!known.Contains(key.Key))
                {
                    var optionsName = defense.OptionsType is null ? "Enabled only" : $"Enabled or an option of {defense.OptionsType.Name}";
                    errors.Add($"{key.Path} is not a setting of the {defense.Description}; expected {optionsName}.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
