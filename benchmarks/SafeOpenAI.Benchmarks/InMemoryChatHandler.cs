using System.Net;
using System.Text;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// Answers every chat completion request with one fixed OpenAI-shaped response, in memory, so a
/// benchmark measures the client side of a call (the SDK's serialisation and pipeline, and
/// SafeOpenAI's stages) without a network or a server.
/// </summary>
public sealed class InMemoryChatHandler : HttpMessageHandler
{
    private static readonly byte[] s_response = Encoding.UTF8.GetBytes("""
        {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Clear documentation states its purpose first, shows a working example early, and keeps each page to one task."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":250,"completion_tokens":24,"total_tokens":274,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
        """);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Read the body as a server would, so serialisation of the request is part of the measured work.
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(s_response) { Headers = { { "Content-Type", "application/json" } } },
        };
    }
}
