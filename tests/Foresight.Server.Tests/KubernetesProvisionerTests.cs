using System.Collections.Concurrent;
using System.Text.Json;
using Foresight.Grains.Autoscaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Tests;

/// <summary>
/// The <c>kubernetes</c> provisioner against a stand-in API server (Kestrel on loopback; no cluster is reachable here):
/// it must PATCH the agent Deployment's scale subresource with a merge patch of spec.replicas and the bearer token.
/// </summary>
public sealed class KubernetesProvisionerTests
{
    private const string Token = "k8s-test-token-0123456789";

    [Fact]
    public async Task Scaling_patches_the_deployments_scale_subresource_with_the_token()
    {
        var seen = new ConcurrentQueue<(string Method, string Path, string? Auth, string? ContentType, string Body)>();
        await using var api = await StartApiAsync(seen);
        var tokenFile = Path.Combine(Path.GetTempPath(), $"foresight-k8s-token-{Guid.NewGuid():n}");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        try
        {
            using var provisioner = new KubernetesProvisioner(new KubernetesProvisionerOptions
            {
                Server = api.Urls.First(), Namespace = "ci", Deployment = "foresight-agent-{pool}", TokenFile = tokenFile,
            });

            var result = await provisioner.ScaleAsync("gpu", 1, 3, [], CancellationToken.None);

            Assert.Equal("kubernetes: ci/foresight-agent-gpu replicas 3", result);
            var request = Assert.Single(seen);
            Assert.Equal("PATCH", request.Method);
            Assert.Equal("/apis/apps/v1/namespaces/ci/deployments/foresight-agent-gpu/scale", request.Path);
            Assert.Equal($"Bearer {Token}", request.Auth);
            Assert.Equal("application/merge-patch+json", request.ContentType?.Split(';')[0]);
            Assert.Equal(3, JsonDocument.Parse(request.Body).RootElement.GetProperty("spec").GetProperty("replicas").GetInt32());

            using var wrongToken = new KubernetesProvisioner(new KubernetesProvisionerOptions { Server = api.Urls.First(), Namespace = "ci" });
            await Assert.ThrowsAnyAsync<Exception>(() => wrongToken.ScaleAsync("gpu", 1, 2, [], CancellationToken.None));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    private static async Task<WebApplication> StartApiAsync(ConcurrentQueue<(string, string, string?, string?, string)> seen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapMethods("/apis/apps/v1/namespaces/{ns}/deployments/{name}/scale", ["PATCH"], async (HttpContext context, string ns, string name) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var auth = context.Request.Headers.Authorization.ToString();
            seen.Enqueue((context.Request.Method, context.Request.Path.Value!, auth, context.Request.ContentType, body));
            if (auth != $"Bearer {Token}")
            {
                return Results.Json(new { kind = "Status", apiVersion = "v1", status = "Failure", reason = "Unauthorized", code = 401 }, statusCode: 401);
            }

            var replicas = JsonDocument.Parse(body).RootElement.GetProperty("spec").GetProperty("replicas").GetInt32();
            return Results.Json(new
            {
                kind = "Scale",
                apiVersion = "autoscaling/v1",
                metadata = new { name, @namespace = ns },
                spec = new { replicas },
                status = new { replicas = 1 },
            });
        });
        await app.StartAsync();
        _ = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        return app;
    }
}
