using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Agents;
using Foresight.Scheduling.Jobs;
using Foresight.Server.Security;
using Foresight.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Foresight.Server.Tests;

/// <summary>
/// The agent protocol over HTTP: registration tokens (scoped, revocable), credentials bound to one worker id, and a
/// refusal (403) for any call naming another worker or an attempt not placed on this one. Each test uses pools of
/// its own, so the fixture's local workers (pool <c>default</c>) never take its jobs.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AgentProtocolTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_credential_cannot_act_for_another_worker()
    {
        var (pool, other) = (Unique("pool"), Unique("other"));
        var a = await RegisterAsync(await IssueAsync(other), Unique("a"), other);
        var b = await RegisterAsync(await IssueAsync(pool), Unique("b"), pool);
        var job = await SubmitAsync(pool, "echo hi");
        var work = await PollUntilAssignedAsync(b, job);

        // With a's credential, every call naming b is refused.
        using var asA = Agent(a.Credential);
        var calls = new (string Name, HttpMethod Method, string Path, object? Body)[]
        {
            ("heartbeat", HttpMethod.Post, AgentProtocol.AgentPath(b.WorkerId, "heartbeat"), new WorkerHeartbeat([])),
            ("poll", HttpMethod.Get, AgentProtocol.AssignmentsPath(b.WorkerId, TimeSpan.Zero), null),
            ("claim", HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "claim"), null),
            ("logs", HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "logs"), new[] { new AgentLogChunk(0, "forged\n") }),
            ("result", HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "result"), Succeeded("forged")),
            ("drain", HttpMethod.Post, AgentProtocol.AgentPath(b.WorkerId, "drain"), null),
            ("deregister", HttpMethod.Post, AgentProtocol.AgentPath(b.WorkerId, "deregister"), null),
        };
        foreach (var (name, method, path, body) in calls)
        {
            using var response = await SendAsync(asA, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{name} for another worker: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // b's attempt is untouched: still b's to claim and run.
        Assert.Single(work.Assignments, x => x.JobId == job);
        Assert.Equal("Queued", await JobStateAsync(job));
        using var asB = Agent(b.Credential);
        using var claim = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "claim"), null);
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
    }

    [Fact]
    public async Task A_credential_cannot_claim_log_or_report_an_attempt_not_assigned_to_its_worker()
    {
        var (poolA, poolB) = (Unique("pa"), Unique("pb"));
        var a = await RegisterAsync(await IssueAsync(poolA), Unique("a"), poolA);
        var b = await RegisterAsync(await IssueAsync(poolB), Unique("b"), poolB);
        var job = await SubmitAsync(poolB, "echo hi");
        await PollUntilAssignedAsync(b, job);

        using var asA = Agent(a.Credential);
        var calls = new (string Name, HttpMethod Method, string Path, object? Body)[]
        {
            ("claim", HttpMethod.Post, AgentProtocol.AttemptPath(a.WorkerId, job, 1, "claim"), null),
            ("logs", HttpMethod.Post, AgentProtocol.AttemptPath(a.WorkerId, job, 1, "logs"), new[] { new AgentLogChunk(0, "forged\n") }),
            ("result", HttpMethod.Post, AgentProtocol.AttemptPath(a.WorkerId, job, 1, "result"), Succeeded("forged")),
            ("heartbeat", HttpMethod.Post, AgentProtocol.AgentPath(a.WorkerId, "heartbeat"), new WorkerHeartbeat([new(job, 1)])),
        };
        foreach (var (name, method, path, body) in calls)
        {
            using var response = await SendAsync(asA, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{name} of another worker's job: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("Queued", await JobStateAsync(job));
        using var log = await fixture.Admin.GetAsync(new Uri($"/api/jobs/{job}/logs", UriKind.Relative));
        Assert.DoesNotContain("forged", await log.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_whose_attempt_it_is_claims_logs_and_reports_it()
    {
        var pool = Unique("pool");
        var b = await RegisterAsync(await IssueAsync(pool), Unique("b"), pool);
        var job = await SubmitAsync(pool, "echo hi");
        await PollUntilAssignedAsync(b, job);
        using var asB = Agent(b.Credential);

        using var claim = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "claim"), null);
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        var assignment = (await claim.Content.ReadFromJsonAsync<Assignment>(AgentProtocol.Json))!;
        Assert.Equal(("echo hi", pool), (assignment.Spec.Command, assignment.Spec.Pool));
        using (var again = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "claim"), null))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same claim twice (a lost answer) gets the same answer
        }

        using (var logs = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "logs"), new[] { new AgentLogChunk(0, "hi\n"), new AgentLogChunk(0, "hi\n") }))
        {
            Assert.Equal(HttpStatusCode.NoContent, logs.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var result = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "result"), Succeeded("hi\n"));
            Assert.Equal(HttpStatusCode.NoContent, result.StatusCode); // a report sent twice is applied once
        }

        Assert.Equal("Succeeded", await JobStateAsync(job));
        using var log = await fixture.Admin.GetAsync(new Uri($"/api/jobs/{job}/logs", UriKind.Relative));
        Assert.Equal("hi\n", await log.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_registration_token_scoped_to_a_pool_and_labels_cannot_register_outside_them()
    {
        var (poolA, poolB) = (Unique("pa"), Unique("pb"));
        var token = await IssueAsync(poolA, "linux,x64");

        using var wrongPool = await RegisterRawAsync(token, Unique("w"), poolB, ["linux"]);
        using var wrongLabel = await RegisterRawAsync(token, Unique("w"), poolA, ["linux", "gpu"]);
        using var inside = await RegisterRawAsync(token, Unique("w"), poolA, ["linux"]);

        Assert.Equal(HttpStatusCode.Forbidden, wrongPool.StatusCode);
        Assert.Contains(poolB, await wrongPool.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrongLabel.StatusCode);
        Assert.Contains("gpu", await wrongLabel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);

        // Nor take over a worker id registered in a pool outside them (its attempts and secrets would follow).
        var taken = Unique("w");
        await RegisterAsync(await IssueAsync(poolB), taken, poolB);
        using var takeOver = await RegisterRawAsync(token, taken, poolA, ["linux"]);
        Assert.Equal(HttpStatusCode.Forbidden, takeOver.StatusCode);
    }

    [Fact]
    public async Task A_revoked_registration_token_cannot_register_and_re_registering_rotates_the_credential()
    {
        var pool = Unique("pool");
        using var issued = await fixture.Admin.PostAsJsonAsync(new Uri(AgentProtocol.RegistrationTokensPath, UriKind.Relative), new RegistrationTokenRequest("revocable", [pool]), AgentProtocol.Json);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<RegistrationTokenIssued>(AgentProtocol.Json))!;
        var id = Unique("w");

        var first = await RegisterAsync(token.Token, id, pool);
        var second = await RegisterAsync(token.Token, id, pool);
        using (var old = await SendAsync(Agent(first.Credential), HttpMethod.Post, AgentProtocol.AgentPath(id, "heartbeat"), new WorkerHeartbeat([])))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode); // rotated
        }

        using (var revoke = await fixture.Admin.DeleteAsync(new Uri($"{AgentProtocol.RegistrationTokensPath}/{token.Id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var refused = await RegisterRawAsync(token.Token, id, pool, ["linux"]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var listed = await fixture.Admin.GetFromJsonAsync<List<RegistrationTokenView>>(new Uri(AgentProtocol.RegistrationTokensPath, UriKind.Relative), AgentProtocol.Json);
        Assert.NotNull(Assert.Single(listed!, t => t.Id == token.Id).RevokedAt);
        Assert.DoesNotContain(token.Token, JsonSerializer.Serialize(listed), StringComparison.Ordinal);

        // Revoking stops new registrations; the credential issued before keeps working until it is rotated.
        using var current = await SendAsync(Agent(second.Credential), HttpMethod.Post, AgentProtocol.AgentPath(id, "heartbeat"), new WorkerHeartbeat([]));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task A_credential_stored_by_the_earlier_credential_grain_keeps_working_and_moves_to_the_worker()
    {
        // As a server before the credential moved into the worker's grain stored it: in an AgentCredentialGrain.
        var (pool, id) = (Unique("pool"), Unique("w"));
        var credential = AgentProtocol.Credential(id, AgentCredentials.NewSecret());
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var earlier = grains.GetGrain<IAgentCredentialGrain>(id);
        await earlier.Issue(new AgentCredentialRecord
        {
            Sha256 = TokenRegistry.Hash(credential),
            Registration = new WorkerRegistration(id, pool, ["linux"], 2, 2048),
            IssuedAt = DateTimeOffset.UtcNow,
        });

        // Another secret for the same worker id, and a credential of a worker never registered, are refused.
        using (var forged = await SendAsync(Agent(AgentProtocol.Credential(id, AgentCredentials.NewSecret())), HttpMethod.Post, AgentProtocol.AgentPath(id, "heartbeat"), new WorkerHeartbeat([])))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        var stranger = Unique("unknown");
        using (var unknown = await SendAsync(Agent(AgentProtocol.Credential(stranger, AgentCredentials.NewSecret())), HttpMethod.Post, AgentProtocol.AgentPath(stranger, "heartbeat"), new WorkerHeartbeat([])))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using (var accepted = await SendAsync(Agent(credential), HttpMethod.Post, AgentProtocol.AgentPath(id, "heartbeat"), new WorkerHeartbeat([])))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // Moved: the worker's grain holds it (with the registration it was issued for), the earlier grain's state is cleared.
        var storage = fixture.App.Services.GetRequiredKeyedService<IGrainStorage>(AgentCredentialGrain.StorageName);
        var left = new GrainState<AgentCredentialRecord>(new AgentCredentialRecord());
        await storage.ReadStateAsync(AgentCredentialGrain.StateName, earlier.GetGrainId(), left);
        Assert.False(left.RecordExists);
        var worker = grains.GetGrain<IWorkerGrain>(id);
        Assert.True(await worker.VerifyCredential(TokenRegistry.Hash(credential)));
        Assert.Equal(pool, (await worker.GetCredentialRegistration())?.Pool);

        // A token for another pool cannot take the id over; registering again with one for its pool rotates the moved credential.
        var other = Unique("other");
        using (var taken = await RegisterRawAsync(await IssueAsync(other), id, other, ["linux"]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, taken.StatusCode);
            Assert.Contains("registered already", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await RegisterAsync(await IssueAsync(pool), id, pool);
        using var rotated = await SendAsync(Agent(credential), HttpMethod.Post, AgentProtocol.AgentPath(id, "heartbeat"), new WorkerHeartbeat([]));
        Assert.Equal(HttpStatusCode.Unauthorized, rotated.StatusCode);
    }

    [Fact]
    public async Task Only_admins_issue_registration_tokens_and_api_tokens_are_no_agent_credentials()
    {
        using var bySubmitter = await fixture.Submitter.PostAsJsonAsync(new Uri(AgentProtocol.RegistrationTokensPath, UriKind.Relative), new RegistrationTokenRequest(), AgentProtocol.Json);
        using var withAdminToken = await fixture.Admin.GetAsync(new Uri(AgentProtocol.AssignmentsPath("anyone", TimeSpan.Zero), UriKind.Relative));
        using var forged = await SendAsync(Agent(AgentProtocol.Credential("anyone", "not-the-secret")), HttpMethod.Get, AgentProtocol.AssignmentsPath("anyone", TimeSpan.Zero), null);

        Assert.Equal(HttpStatusCode.Forbidden, bySubmitter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withAdminToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task A_dropped_long_poll_loses_no_assignment()
    {
        var pool = Unique("pool");
        var b = await RegisterAsync(await IssueAsync(pool), Unique("b"), pool);
        using var asB = Agent(b.Credential);

        // A poll that breaks off while it waits (the connection dropped), then the job is placed.
        using (var dropped = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asB.GetAsync(new Uri(AgentProtocol.AssignmentsPath(b.WorkerId, TimeSpan.FromSeconds(30)), UriKind.Relative), dropped.Token));
        }

        var job = await SubmitAsync(pool, "echo hi");

        // An answer that carries the assignment and is lost on its way: the next polls carry it again until it is claimed.
        await PollUntilAssignedAsync(b, job);
        var again = await PollUntilAssignedAsync(b, job);
        Assert.Single(again.Assignments, x => x.JobId == job && x.Attempt == 1);
        using (var claim = await SendAsync(asB, HttpMethod.Post, AgentProtocol.AttemptPath(b.WorkerId, job, 1, "claim"), null))
        {
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        }

        using var after = await asB.GetAsync(new Uri(AgentProtocol.AssignmentsPath(b.WorkerId, TimeSpan.FromSeconds(1)), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode); // claimed: no longer handed out
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():n}"[..(prefix.Length + 13)];

    private static ExecutionResult Succeeded(string tail) => new(AttemptEnd.Succeeded, 0, TimeSpan.FromSeconds(1), OutputTail: tail);

    private HttpClient Agent(string credential)
    {
        var client = fixture.App.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    private async Task<string> IssueAsync(string pool, string? labels = null)
    {
        using var response = await fixture.Admin.PostAsJsonAsync(
            new Uri(AgentProtocol.RegistrationTokensPath, UriKind.Relative),
            new RegistrationTokenRequest(null, [pool], labels?.Split(',')),
            AgentProtocol.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RegistrationTokenIssued>(AgentProtocol.Json))!.Token;
    }

    private async Task<HttpResponseMessage> RegisterRawAsync(string token, string workerId, string pool, string[] labels)
    {
        using var client = fixture.App.Client(token);
        return await client.PostAsJsonAsync(new Uri(AgentProtocol.RegisterPath, UriKind.Relative), new WorkerRegistration(workerId, pool, labels, 2, 2048), AgentProtocol.Json);
    }

    private async Task<AgentRegistered> RegisterAsync(string token, string workerId, string pool)
    {
        using var response = await RegisterRawAsync(token, workerId, pool, ["linux"]);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var registered = (await response.Content.ReadFromJsonAsync<AgentRegistered>(AgentProtocol.Json))!;
        Assert.StartsWith(AgentProtocol.CredentialPrefix, registered.Credential, StringComparison.Ordinal);
        return registered;
    }

    private async Task<string> SubmitAsync(string pool, string command)
    {
        // Jobs go only to declared pools: an admin declares this test's own.
        using (var declared = await fixture.Admin.PostAsJsonAsync(new Uri("/api/pools", UriKind.Relative), new { name = pool }))
        {
            Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync());
        }

        var id = Unique("job");
        using var response = await fixture.Admin.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), new { id, name = "agent-protocol", command, labels = new[] { "linux" }, pool, maxAttempts = 1 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return id;
    }

    private async Task<AgentWork> PollUntilAssignedAsync(AgentRegistered agent, string job)
    {
        using var client = Agent(agent.Credential);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri(AgentProtocol.AssignmentsPath(agent.WorkerId, TimeSpan.FromSeconds(10)), UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.OK
                && await response.Content.ReadFromJsonAsync<AgentWork>(AgentProtocol.Json) is { } work
                && work.Assignments.Any(a => a.JobId == job))
            {
                return work;
            }
        }

        throw new TimeoutException($"job {job} was not assigned to {agent.WorkerId}");
    }

    private async Task<string?> JobStateAsync(string job) =>
        (await fixture.Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{job}", UriKind.Relative))).GetProperty("state").GetString();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: AgentProtocol.Json);
        }

        return await client.SendAsync(request);
    }
}
