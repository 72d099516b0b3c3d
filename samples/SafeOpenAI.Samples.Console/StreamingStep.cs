using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Samples.Console;

/// <summary>
/// The streaming step of the tour: one answer streamed in 40-character windows, first held back
/// window by window (nothing unchecked is shown), then cut off (text flows at once and the stream
/// stops at the failing window). Offline, the local endpoint streams a scripted answer whose third
/// sentence its moderation stand-in flags; with a real key, a harmless question shows the windows.
/// </summary>
internal static class StreamingStep
{
    private const string Scripted = "The lighthouse keeper woke early. He climbed the stairs to the lamp. "
        + "Then a stranger tried to stab him with a knife. The keeper escaped and called for help.";

    public static async Task RunAsync(LocalOpenAIEndpoint? local, TextWriter output, int step, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"[{step}] Streaming in windows: HoldBack shows a window only after it passed moderation; CutOff shows text at once and stops at the failing window");
        foreach (var mode in new[] { StreamingMode.HoldBack, StreamingMode.CutOff })
        {
            using var host = SampleHost.Build(local?.BaseUri, o =>
            {
                o.Streaming.Mode = mode;
                o.Streaming.WindowCharacters = 40;
            });
            await host.StartAsync(cancellationToken);
            var client = host.Services.GetRequiredService<SafeChatClient>();
            local?.Chat.Enqueue(ScriptedChatResponse.Streamed(TokenLike(Scripted)).WithChunkDelay(TimeSpan.FromMilliseconds(20)));

            var stream = client.CompleteStreamingAsync(
                new SafeChatRequest([ChatMessage.CreateUserMessage("Tell me a short story about a lighthouse keeper.")]) { Identity = new SafetyIdentity("olga", "tour-session") },
                cancellationToken);
            output.Write($"   {step}  {mode,-9} shown: \"");
            await foreach (var update in stream.WithCancellation(cancellationToken))
            {
                foreach (var part in update.ContentUpdate)
                {
                    output.Write(part.Text);
                }
            }

            var result = stream.Result!;
            var windows = result.Verdicts.Count(v => v.Phase == SafetyPhase.OutputModeration);
            output.WriteLine($"\"  → {result.Status} {result.DecisiveVerdict?.Code} ({windows} window checks)");
            await host.StopAsync(cancellationToken);
        }
    }

    /// <summary>Splits the text the way a tokenizer streams it: a word and its leading space per update.</summary>
    private static string[] TokenLike(string text) => System.Text.RegularExpressions.Regex.Split(text, @"(?=\s)");
}
