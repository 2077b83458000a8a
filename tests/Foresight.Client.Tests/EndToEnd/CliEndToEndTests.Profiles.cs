using System.Text.Json;
using Foresight.Abstractions.Api;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary><c>foresight profiles export|import</c> against the real server: a round trip, and bad files refused naming the field.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task Profiles_export_writes_the_pools_profiles_and_import_takes_them_back_refusing_bad_files_naming_the_field()
    {
        using var client = fixture.Client();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var job = await client.SubmitJobAsync(new JobSubmission(Name: "profiled", Command: "true", Labels: ["linux"], Profile: "cli/export"), deadline.Token);
        Assert.Equal("Succeeded", (await client.WatchJobAsync(job.Id, deadline.Token).LastAsync(deadline.Token)).State);

        var file = Path.Combine(_files, "profiles.json");
        var export = await Foresight("profiles", "export", "default", "--out", file);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("pool=default profiles=", export.Output, StringComparison.Ordinal);
        var document = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(file)).RootElement;
        Assert.Equal("foresight.profiles/v1", document.GetProperty("schema").GetString());
        var profile = document.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "cli/export");
        Assert.Equal(1, profile.GetProperty("count").GetInt64());

        var import = await Foresight("profiles", "import", file);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("pool=default imported=", import.Output, StringComparison.Ordinal);

        var wrongSchema = await Foresight("profiles", "import", File("old.json", """{"schema":"foresight.profiles/v0","pool":"default","profiles":[]}"""));
        Assert.Equal(2, wrongSchema.ExitCode);
        Assert.Contains("schema: must be \"foresight.profiles/v1\"", wrongSchema.Error, StringComparison.Ordinal);

        var negative = await Foresight("profiles", "import", File("negative.json", """
            {"schema":"foresight.profiles/v1","pool":"default","profiles":[{"key":"k","count":1,"meanSeconds":1,"ewmaSeconds":1,
              "runs":[{"at":"2026-01-01T00:00:00Z","durationSeconds":-2}]}]}
            """));
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("profiles[0].runs[0].durationSeconds: must not be negative", negative.Error, StringComparison.Ordinal);
    }
}
