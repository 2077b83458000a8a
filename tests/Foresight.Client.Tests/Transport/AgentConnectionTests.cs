using System.Net;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Microsoft.AspNetCore.Http;

namespace Foresight.Client.Tests.Transport;

/// <summary>The agent's HTTP transport against <see cref="ScriptedGateway"/>s: fail-over across servers, registering
/// again on a 401, claims' answers. The real gateway's side is in Foresight.Server.Tests (AgentProtocolTests).</summary>
public sealed class AgentConnectionTests
{
    private static readonly WorkerRegistration Registration = new("w-1", "default", ["linux"], 2, 2048);

    [Fact]
    public async Task Calls_fail_over_to_the_next_server_when_one_is_down_or_answers_5xx()
    {
        await using var failing = await ScriptedGateway.StartAsync();
        failing.Handle = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        await using var healthy = await ScriptedGateway.StartAsync();
        healthy.Handle = (context, _) => context.Request.Path.Value!.EndsWith("/register", StringComparison.Ordinal)
            ? ScriptedGateway.Json(context, new AgentRegistered("w-1", "fsa_one"))
            : ScriptedGateway.Json(context, new HeartbeatAck(false, false));
        var down = new Uri($"http://127.0.0.1:{Foresight.Testing.FreePorts.Next()}/");
        using var connection = new HttpAgentConnection([down, failing.BaseAddress, healthy.BaseAddress], "fsr_token");

        await connection.RegisterAsync(Registration, CancellationToken.None);
        var ack = await connection.HeartbeatAsync(new WorkerHeartbeat([]), CancellationToken.None);

        Assert.False(ack.ReRegister);
        Assert.Equal(healthy.BaseAddress, connection.CurrentServer);
        Assert.Single(failing.Seen);
        Assert.Equal(["Bearer fsr_token", "Bearer fsa_one"], healthy.Seen.Select(r => r.Authorization));
        Assert.Equal("/api/agents/w-1/heartbeat", healthy.Seen.Last().Path);
    }

    [Fact]
    public async Task A_refused_credential_registers_again_with_the_registration_token_and_repeats_the_call_once()
    {
        var registrations = 0;
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) =>
        {
            if (context.Request.Path.Value!.EndsWith("/register", StringComparison.Ordinal))
            {
                return ScriptedGateway.Json(context, new AgentRegistered("w-1", $"fsa_{Interlocked.Increment(ref registrations)}"));
            }

            if (context.Request.Headers.Authorization == "Bearer fsa_1")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized; // rotated elsewhere, or forgotten
                return Task.CompletedTask;
            }

            return ScriptedGateway.Json(context, new HeartbeatAck(false, false));
        };
        using var connection = new HttpAgentConnection([gateway.BaseAddress], "fsr_token");

        await connection.RegisterAsync(Registration, CancellationToken.None);
        await connection.HeartbeatAsync(new WorkerHeartbeat([]), CancellationToken.None);

        Assert.Equal(["Bearer fsr_token", "Bearer fsa_1", "Bearer fsr_token", "Bearer fsa_2"], gateway.Seen.Select(r => r.Authorization));
        Assert.Equal("fsa_2", connection.Credential);
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, ClaimStatus.Refused)]
    [InlineData(HttpStatusCode.Forbidden, ClaimStatus.NotAssigned)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ClaimStatus.Unavailable)]
    public async Task A_claim_that_is_not_granted_says_why(HttpStatusCode status, ClaimStatus expected)
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) =>
        {
            if (context.Request.Path.Value!.EndsWith("/register", StringComparison.Ordinal))
            {
                return ScriptedGateway.Json(context, new AgentRegistered("w-1", "fsa_one"));
            }

            context.Response.StatusCode = (int)status;
            return Task.CompletedTask;
        };
        using var connection = new HttpAgentConnection([gateway.BaseAddress], "fsr_token");
        await connection.RegisterAsync(Registration, CancellationToken.None);

        var answer = await connection.ClaimAsync(new("run-1/build (linux)", 2), CancellationToken.None);

        Assert.Equal(expected, answer.Status);
        Assert.StartsWith("/api/agents/w-1/jobs/run-1%2Fbuild", gateway.Seen.Last().Path, StringComparison.Ordinal); // one path segment
        Assert.EndsWith("/attempts/2/claim", gateway.Seen.Last().Path, StringComparison.Ordinal);
    }
}
