namespace SafeOpenAI.Cli.Tests;

public class CliTests
{
    [Test]
    public void The_eval_command_group_is_named_eval() =>
        Assert.That(EvalCommands.Create().Name, Is.EqualTo("eval"));
}
