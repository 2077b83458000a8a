using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Foresight.Server.Tests.Support;

/// <summary>Assertions on problem+json answers.</summary>
public static class Problem
{
    /// <summary>Asserts the status and the problem+json body with a <c>field</c> and a <c>reason</c>; returns the body.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(body.TryGetProperty("reason", out var reason) && reason.GetString()!.Length > 0, text);
        Assert.True(body.TryGetProperty("field", out var named), text);
        if (field is not null)
        {
            Assert.Equal(field, named.GetString());
        }

        return body;
    }

    public static Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>();
}
