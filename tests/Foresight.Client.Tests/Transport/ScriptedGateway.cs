using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Foresight.Client.Tests.Transport;

/// <summary>
/// A real Kestrel server on loopback whose answers each test scripts: it drops connections mid-stream, answers 503 or
/// 429 before succeeding, ignores offsets. A test double of the gateway on purpose: these tests are about the client's
/// transport behaviour (retries, back-off, resume), which the real gateway cannot be made to misbehave for. What the
/// real gateway says is covered by the end-to-end tests against the real server process.
/// </summary>
public sealed class ScriptedGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedGateway(WebApplication app) => _app = app;

    /// <summary>Answers every request; set by the test.</summary>
    public Func<HttpContext, int, Task> Handle { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    /// <summary>What arrived, in order: method, path and query, authorization header, body.</summary>
    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ScriptedGateway> StartAsync(int port = 0, string pathBase = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var gateway = new ScriptedGateway(app);
        if (pathBase.Length > 0)
        {
            app.UsePathBase(pathBase);
        }

        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var seen = new SeenRequest(
                context.Request.Method,
                context.Request.PathBase + context.Request.Path,
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                context.Request.Headers.Authorization.ToString(),
                context.Request.ContentType,
                body);
            gateway.Seen.Enqueue(seen);
            await gateway.Handle(context, gateway.Seen.Count);
        });
        await app.StartAsync();
        gateway.BaseAddress = new Uri(app.Urls.First() + pathBase + "/");
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Writes a JSON answer with the given status.</summary>
    public static Task Json(HttpContext context, object body, HttpStatusCode status = HttpStatusCode.OK)
    {
        context.Response.StatusCode = (int)status;
        return context.Response.WriteAsJsonAsync(body);
    }
}

public sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Authorization, string? ContentType, string Body);
