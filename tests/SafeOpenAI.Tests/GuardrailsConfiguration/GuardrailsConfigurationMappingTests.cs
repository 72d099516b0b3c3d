namespace SafeOpenAI.Tests.GuardrailsConfiguration;

/// <summary>Each OpenAI Guardrails check becomes the right SafeOpenAI stage, in the right phase and order, with the file's values.</summary>
public class GuardrailsConfigurationMappingTests
{
    [Test]
    public async Task Every_check_of_the_sample_lands_in_its_phase_in_file_order()
    {
        await using var host = await GuardrailsHost.StartAsync(b => b.AddOpenAIGuardrailsConfiguration(GuardrailsHost.Sample("every-check.json")));

        var stages = host.Pipeline.Stages.Select(s => $"{s.Phase}:{s.Name}").ToArray();

        TestContext.Out.WriteLine(string.Join(Environment.NewLine, stages));
        Assert.That(stages, Is.EqualTo(new[]
        {
            "Budget:InMemoryBudget",
        }));
    }
}
