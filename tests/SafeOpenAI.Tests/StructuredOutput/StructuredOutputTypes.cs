namespace SafeOpenAI.Tests.StructuredOutput;

public enum Priority
{
    Low,
    High,
}

public sealed record Address(string Street, string City);

public sealed record Person(string Name, int Age, IReadOnlyList<string> Tags, Priority Priority, Address? Address);

public sealed record Trip(Address Home, Address Work, DateTimeOffset Leaves, Uri? Website);

public sealed record TreeNode(string Label, IReadOnlyList<TreeNode> Children);

public sealed record CountsByName(Dictionary<string, int> Counts);

public sealed record WithUntyped(string Name, object Payload);

public sealed record Positive
{
    public Positive(int amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Amount = amount;
    }

    public int Amount { get; }
}

public sealed record Employee(string Name, IReadOnlyList<Employee> Reports, Address? Office);

public sealed record Org(string Name, Employee Boss, Employee? Deputy);
