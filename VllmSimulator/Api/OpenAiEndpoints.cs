using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VllmAspire.VllmSimulator.Engine;
using VllmAspire.VllmSimulator.Telemetry;

namespace VllmAspire.VllmSimulator.Api;

/// <summary>
/// vLLM's HTTP surface: <c>/health</c>, <c>/version</c>, <c>/metrics</c>, <c>/v1/models</c>,
/// <c>/v1/completions</c> and <c>/v1/chat/completions</c> (with Server-Sent Events streaming), in vLLM's shapes.
/// </summary>
public static class OpenAiEndpoints
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Maps every route onto <paramref name="app"/>.</summary>
    /// <param name="app">The web application.</param>
    /// <param name="engine">The engine serving the requests.</param>
    public static void Map(WebApplication app, LlmEngine engine)
    {
        var options = engine.Options;
        if (options.ApiKey is { } key)
        {
            // vLLM's AuthenticationMiddleware guards only /v1; probes and scrapes stay open.
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Path.StartsWithSegments("/v1") && ctx.Request.Headers.Authorization.ToString() != "Bearer " + key)
                {
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await ctx.Response.WriteAsJsonAsync(new { error = "Unauthorized" }).ConfigureAwait(false);
                    return;
                }

                await next(ctx).ConfigureAwait(false);
            });
        }

        // The server listens only once the engine is loaded, so a reachable /health is a healthy engine.
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/version", () => Results.Json(new { version = options.Version.Text }));
        app.MapGet("/metrics", async ctx =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await engine.Metrics.WriteAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/v1/models", () =>
        {
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            return Results.Json(new
            {
                @object = "list",
                data = new[]
                {
                    new
                    {
                        id = options.ServedModelName,
                        @object = "model",
                        created,
                        owned_by = "vllm",
                        root = options.Model,
                        parent = (string?)null,
                        max_model_len = options.MaxModelLen,
                        permission = new[]
                        {
                            new
                            {
                                id = "modelperm-" + Guid.NewGuid().ToString("N"),
                                @object = "model_permission",
                                created,
                                allow_create_engine = false,
                                allow_sampling = true,
                                allow_logprobs = true,
                                allow_search_indices = false,
                                allow_view = true,
                                allow_fine_tuning = false,
                                organization = "*",
                                group = (string?)null,
                                is_blocking = false,
                            },
                        },
                    },
                },
            });
        });
        app.MapPost("/v1/completions", ctx => ServeAsync(ctx, engine, chat: false));
        app.MapPost("/v1/chat/completions", ctx => ServeAsync(ctx, engine, chat: true));
    }

    private static async Task ServeAsync(HttpContext ctx, LlmEngine engine, bool chat)
    {
        var options = engine.Options;
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await OpenAiError.WriteAsync(ctx, 400, $"Invalid JSON in the request body: {ex.Message}").ConfigureAwait(false);
            return;
        }

        ParsedRequest request;
        using (doc)
        {
            var (parsed, error) = chat ? RequestParser.Chat(doc.RootElement, options) : RequestParser.Completion(doc.RootElement, options);
            if (error is not null)
            {
                await OpenAiError.WriteAsync(ctx, error.Status, error.Message).ConfigureAwait(false);
                return;
            }

            request = parsed!;
        }

        var (tokens, finishReason) = TextGenerator.Generate(request.PromptText, request.MaxTokens);
        // Chat content starts without the leading space a continuation has.
        var pieces = chat ? [tokens[0].TrimStart(), .. tokens.Skip(1)] : tokens.ToArray();
        var id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var model = options.ServedModelName;
        var usage = new { prompt_tokens = request.PromptTokens, total_tokens = request.PromptTokens + pieces.Length, completion_tokens = pieces.Length };
        var info = new LlmRequestInfo(id, chat ? "chat" : "text_completion", model, request.MaxTokensParam, request.Temperature, request.TopP);

        try
        {
            if (!request.Stream)
            {
                await engine.RunAsync(request.PromptTokens, pieces.Length, finishReason, request.MaxTokens, null, ctx.RequestAborted, info).ConfigureAwait(false);
                var text = string.Concat(pieces);
                object body = chat
                    ? new
                    {
                        id,
                        @object = "chat.completion",
                        created,
                        model,
                        choices = new[]
                        {
                            new
                            {
                                index = 0,
                                message = new { role = "assistant", reasoning_content = (string?)null, content = text, tool_calls = Array.Empty<object>() },
                                logprobs = (object?)null,
                                finish_reason = finishReason,
                                stop_reason = (object?)null,
                            },
                        },
                        usage,
                        prompt_logprobs = (object?)null,
                    }
                    : new
                    {
                        id,
                        @object = "text_completion",
                        created,
                        model,
                        choices = new[]
                        {
                            new { index = 0, text, logprobs = (object?)null, finish_reason = finishReason, stop_reason = (object?)null, prompt_logprobs = (object?)null },
                        },
                        usage,
                    };
                ctx.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(ctx.Response.Body, body, JsonDefaults.Options, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                return;
            }

            ctx.Response.ContentType = "text/event-stream; charset=utf-8";
            ctx.Response.Headers.CacheControl = "no-cache";
            await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
            var body2 = ctx.Response.Body;
            var objectName = chat ? "chat.completion.chunk" : "text_completion";

            async ValueTask OnToken(int i)
            {
                var last = i == pieces.Length - 1;
                var reason = last ? finishReason : null;
                if (chat && i == 0)
                {
                    await SendAsync(ctx, new
                    {
                        id, @object = objectName, created, model,
                        choices = new[] { new { index = 0, delta = new { role = "assistant", content = "" }, logprobs = (object?)null, finish_reason = (string?)null } },
                    }).ConfigureAwait(false);
                }

                object chunk = chat
                    ? new
                    {
                        id, @object = objectName, created, model,
                        choices = new[] { new { index = 0, delta = new { content = pieces[i] }, logprobs = (object?)null, finish_reason = reason, stop_reason = (object?)null } },
                    }
                    : new
                    {
                        id, @object = objectName, created, model,
                        choices = new[] { new { index = 0, text = pieces[i], logprobs = (object?)null, finish_reason = reason, stop_reason = (object?)null } },
                    };
                await SendAsync(ctx, chunk).ConfigureAwait(false);
            }

            await engine.RunAsync(request.PromptTokens, pieces.Length, finishReason, request.MaxTokens, OnToken, ctx.RequestAborted, info).ConfigureAwait(false);
            if (request.IncludeUsage)
            {
                await SendAsync(ctx, new { id, @object = objectName, created, model, choices = Array.Empty<object>(), usage }).ConfigureAwait(false);
            }

            await body2.WriteAsync(Done, ctx.RequestAborted).ConfigureAwait(false);
            await body2.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the engine already counted the abort and freed the slot.
        }
    }

    private static async Task SendAsync(HttpContext ctx, object chunk)
    {
        var json = JsonSerializer.Serialize(chunk, JsonDefaults.Options);
        var bytes = Encoding.UTF8.GetBytes("data: " + json + "\n\n");
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
