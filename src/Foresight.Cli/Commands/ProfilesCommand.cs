using System.CommandLine;
using System.Text.Json;
using Foresight.Abstractions.Profiles;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight profiles export &lt;pool&gt; [--out file]</c> writes a pool's job profiles as JSON (schema
/// <see cref="ProfileDocument.CurrentSchema"/>); <c>foresight profiles import &lt;file&gt;</c> sends such a file back
/// (admin), refusing a wrong schema or a bad figure before sending, naming the field.
/// </summary>
internal static class ProfilesCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static Command Create()
    {
        var pool = new Argument<string>("pool") { Description = "The pool whose profiles are exported" };
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output" };
        var export = new Command("export", "Write a pool's job profiles (counts, mean, EWMA, last runs) as JSON.") { pool, output };
        export.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var name = parse.GetRequiredValue(pool);
            var profiles = await client.GetProfilesAsync(name, ct);
            var document = new ProfileDocument(ProfileDocument.CurrentSchema, name, TimeProvider.System.GetUtcNow(), profiles);
            var text = JsonSerializer.Serialize(document, Json);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text + "\n", ct);
                Console.Out.WriteLine($"pool={name} profiles={profiles.Count} file={file.FullName}");
            }
            else
            {
                Console.Out.WriteLine(text);
            }

            return ClientCommands.Succeeded;
        }));

        var file = new Argument<FileInfo>("file") { Description = "A file written by 'foresight profiles export'" };
        var import = new Command("import", "Replace job profiles with those of an exported file (admin token).") { file };
        import.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists)
            {
                return ClientCommands.Fail($"no such file: {path.FullName}");
            }

            ProfileDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<ProfileDocument>(await File.ReadAllTextAsync(path.FullName, ct), Json);
            }
            catch (JsonException e)
            {
                return ClientCommands.Fail($"{path.Name}: {Field(e.Path)}: {e.Message}");
            }

            if (ProfileDocumentValidator.Check(document) is { } problem)
            {
                return ClientCommands.Fail($"{path.Name}: {problem.Field}: {problem.Reason}");
            }

            var result = await client.ImportProfilesAsync(document!, ct);
            Console.Out.WriteLine($"pool={result.Pool} imported={result.Imported}");
            return ClientCommands.Succeeded;
        }));

        return new Command("profiles", "Export or import job profiles (duration, memory and CPU statistics per job key).") { export, import };
    }

    private static string Field(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
