namespace SafeOpenAI;

/// <summary>Options of <see cref="SecretsGuard"/>; read once, when the guard is created.</summary>
public sealed class SecretsGuardOptions
{
    /// <summary>Gets or sets the action for every kind not listed in <see cref="Actions"/>; default <see cref="SecretAction.Redact"/>.</summary>
    public SecretAction DefaultAction { get; set; } = SecretAction.Redact;

    /// <summary>Gets the action per kind (see <see cref="SecretKinds"/>), overriding <see cref="DefaultAction"/>.</summary>
    public IDictionary<string, SecretAction> Actions { get; } = new Dictionary<string, SecretAction>(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether unknown high-entropy tokens next to a context word are reported; default <see langword="true"/>.</summary>
    public bool DetectHighEntropyTokens { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tool messages are scanned too; default <see langword="true"/>.</summary>
    public bool IncludeToolMessages { get; set; } = true;
}
