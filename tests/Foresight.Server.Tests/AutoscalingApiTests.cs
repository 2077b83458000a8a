using System.Net;
using System.Text.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>The autoscaler and model routes: read scope for views, admin for rollback, problem+json naming the field.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AutoscalingApiTests(GatewayFixture fixture)
{
    [Fact]
    public async Task The_autoscaler_route_shows_settings_and_decisions_with_reasons_and_forecast_sources()
    {
        using var reader = fixture.Reader;
        var body = await Eventually.ReturnsAsync(
            async () =>
            {
                using var response = await reader.GetAsync(new Uri("/api/pools/fuzz/autoscaler?decisions=5", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await Problem.JsonAsync(response);
            },
            b => b.GetProperty("decisions").GetArrayLength() > 0,
            TimeSpan.FromSeconds(40),
            "a decision of the fuzz pool's autoscaler");

        Assert.Equal("fuzz", body.GetProperty("pool").GetString());
        var settings = body.GetProperty("settings");
        Assert.Equal("hybrid", settings.GetProperty("policy").GetString());
        Assert.Equal("shadow", settings.GetProperty("provisioner").GetString());
        var decision = body.GetProperty("decisions")[0];
        Assert.False(string.IsNullOrEmpty(decision.GetProperty("reason").GetString()));
        Assert.StartsWith("fallback: ", decision.GetProperty("forecastSource").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("shadow", decision.GetProperty("actuation").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("decisions").GetArrayLength() <= 5);
    }

    [Fact]
    public async Task The_models_route_lists_versions_and_rollback_needs_admin_and_a_known_version()
    {
        using var reader = fixture.Reader;
        using var models = await reader.GetAsync(new Uri("/api/pools/fuzz/models", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        var body = await Problem.JsonAsync(models);
        Assert.Equal("load/fuzz", body.GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("versions").ValueKind);

        using var forbidden = await reader.PostAsync(new Uri("/api/pools/fuzz/models/1/rollback", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var admin = fixture.Admin;
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/fuzz/models/999/rollback", UriKind.Relative), null), HttpStatusCode.NotFound, "version");
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/fuzz/models/latest/rollback", UriKind.Relative), null), HttpStatusCode.BadRequest, "version");
        await Problem.AssertAsync(await reader.GetAsync(new Uri("/api/pools/fuzz/autoscaler?decisions=9999", UriKind.Relative)), HttpStatusCode.BadRequest, "decisions");
        await Problem.AssertAsync(await reader.GetAsync(new Uri("/api/pools/%20/models", UriKind.Relative)), HttpStatusCode.BadRequest, "pool");
    }

    [Fact]
    public async Task Promote_shadow_and_rollback_need_admin_and_answer_bad_input_with_problems_naming_the_field()
    {
        using var reader = fixture.Reader;
        using var forbidden = await reader.PostAsync(new Uri("/api/pools/fuzz/models/shadow", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var forbiddenPromote = await reader.PostAsync(new Uri("/api/pools/fuzz/models/1/promote", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenPromote.StatusCode);

        using var admin = fixture.Admin;
        var unknown = await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/fuzz/models/shadow?forecaster=nope", UriKind.Relative), null), HttpStatusCode.BadRequest, "forecaster");
        Assert.Contains("Unknown forecaster 'nope'", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problem.AssertAsync(
            await admin.PostAsync(new Uri($"/api/pools/fuzz/models/shadow?forecaster={new string('x', 101)}", UriKind.Relative), null), HttpStatusCode.BadRequest, "forecaster");
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/fuzz/models/999/promote", UriKind.Relative), null), HttpStatusCode.NotFound, "version");
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/fuzz/models/-1/promote", UriKind.Relative), null), HttpStatusCode.BadRequest, "version");
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/never-used-pool/models/rollback", UriKind.Relative), null), HttpStatusCode.NotFound, "pool");
        await Problem.AssertAsync(await admin.PostAsync(new Uri("/api/pools/%20/models/rollback", UriKind.Relative), null), HttpStatusCode.BadRequest, "pool");
    }

    [Theory]
    [InlineData("Foresight:Autoscaling:Online:Alpha", "0.7", "Foresight:Autoscaling:Online:Alpha: must be between 0 and 0.5")]
    [InlineData("Foresight:Autoscaling:Online:Detector", "cusum", "Foresight:Autoscaling:Online:Detector: must be one of page-hinkley, adwin")]
    [InlineData("Foresight:Autoscaling:Pools:gpu:Policy", "nope", "Foresight:Autoscaling:Pools:gpu:Policy 'nope' is not usable: Unknown autoscaler 'nope'")]
    [InlineData("Foresight:Autoscaling:Pools:gpu:PriceWaitMinute", "-1", "Foresight:Autoscaling:Pools:gpu:PriceWaitMinute must be a finite number ≥ 0")]
    [InlineData("Foresight:Autoscaling:Max", "-3", "Foresight:Autoscaling:Max must be a finite number ≥ 0")]
    [InlineData("Foresight:Autoscaling:Provisioner", "nope", "Foresight:Autoscaling:Provisioner must be one of shadow, kubernetes, local (was 'nope')")]
    [InlineData("Foresight:Autoscaling:Forecaster", "nope", "Foresight:Autoscaling:Forecaster: Unknown forecaster 'nope'")]
    [InlineData("Foresight:Autoscaling:Pools:gpu:Min", "5", "Foresight:Autoscaling:Pools:gpu:Min (5) is larger than Foresight:Autoscaling:Pools:gpu:Max (")]
    [InlineData("Foresight:Autoscaling:Local:AgentPath", "/nonexistent/Foresight.Agent.dll", "Foresight:Autoscaling:Local:AgentPath '/nonexistent/Foresight.Agent.dll' does not exist")]
    public async Task A_bad_autoscaler_setting_stops_the_server_naming_the_key(string key, string value, string message)
    {
        // Pool gpu is listed, so the embedded server's provisioner is local (whose agent must exist).
        var settings = new Dictionary<string, string?> { ["Foresight:Autoscaling:Pools:gpu:Max"] = "2", [key] = value };
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(settings));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
