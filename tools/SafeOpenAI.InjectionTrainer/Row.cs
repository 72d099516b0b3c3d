namespace SafeOpenAI.InjectionTrainer;

/// <summary>One training row: text, label (1 attack), mode, and the group it is held out with in cross-validation.</summary>
internal sealed record Row(string Text, int Label, PromptInjectionMode Mode, string Group);
