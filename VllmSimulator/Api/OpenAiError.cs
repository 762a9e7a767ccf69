using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VllmAspire.VllmSimulator.Api;

/// <summary>vLLM's OpenAI-style error body: <c>{"object":"error","message":...,"type":...,"param":null,"code":N}</c>.</summary>
public static class OpenAiError
{
    /// <summary>Writes the error with its status code.</summary>
    /// <param name="ctx">The request.</param>
    /// <param name="status">400 or 404.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>A task.</returns>
    public static async Task WriteAsync(HttpContext ctx, int status, string message)
    {
        var type = status switch
        {
            StatusCodes.Status404NotFound => "NotFoundError",
            StatusCodes.Status400BadRequest => "BadRequestError",
            _ => "InternalServerError",
        };
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body,
            new { @object = "error", message, type, param = (string?)null, code = status },
            JsonDefaults.Options,
            cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
    }
}
