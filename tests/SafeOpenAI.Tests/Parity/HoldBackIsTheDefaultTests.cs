using System.Text;
using OpenAI.Chat;
using SafeOpenAI.Testing;
using SafeOpenAI.Tests.Integration;

namespace SafeOpenAI.Tests.Parity;

/// <summary>
/// Streaming holds text back until it is checked, by default. OpenAI Guardrails streams text to
/// the caller while its output checks run, so a tripwire fires after the text was shown.
/// </summary>
public class HoldBackIsTheDefaultTests
{
    private const string Forbidden = "The launch code is 0000.";

    [Test]
    public void The_default_streaming_mode_is_HoldBack()
    {
        Assert.That(new SafeOpenAIOptions().Streaming.Mode, Is.EqualTo(StreamingMode.HoldBack));
    }

    [Test]
    public async Task A_streamed_answer_yields_no_text_before_the_validator_passed_it()
    {
        // Default streaming options: only the window size is made small so the answer spans many windows.
        var passed = new StringBuilder();
        var validator = new FakeOutputValidator("LaunchCodeValidator")
        {
            Scope = OutputValidationScope.Window,
            Handler = call =>
            {
                // In window scope the response's text is exactly the window the caller would receive.
                var window = call.Response.Text;
                if (window.Contains("launch code", StringComparison.Ordinal))
                {
                    return OutputValidationResult.FromVerdict(SafetyVerdict.Block("LaunchCodeValidator", "output.launch_code", "Withheld."));
                }

                lock (passed)
                {
                    passed.Append(window);
                }

                return OutputValidationResult.Allow("LaunchCodeValidator");
            },
        };
        await using var host = await IntegrationHost.StartAsync(
            o => o.Streaming.WindowCharacters = 40,
            b => b.AddOutputValidator(_ => validator));
        var answer = "Here is a calm first sentence about the weather today. " + "And a second calm sentence about the sea. " + Forbidden + " More text follows here.";
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Streamed(answer.Chunk(6).Select(c => new string(c)).ToArray()));

        var received = new StringBuilder();
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync([ChatMessage.CreateUserMessage("Tell me about the weather.")]))
            {
                var text = string.Concat(update.ContentUpdate.Select(p => p.Text));
                lock (passed)
                {
                    // Every piece of text the caller sees was already passed by the validator.
                    Assert.That(passed.ToString(), Does.Contain(received.ToString() + text), "text reached the caller before its check passed");
                }

                received.Append(text);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Verdict.Code, Is.EqualTo("output.launch_code"));
            Assert.That(received.ToString(), Does.StartWith("Here is a calm"), "the windows that passed were released");
            Assert.That(received.ToString(), Does.Not.Contain("0000"), "nothing of the blocked window reached the caller");
            Assert.That(validator.CallCount, Is.GreaterThan(1), "the answer was checked window by window");
        });
    }
}
