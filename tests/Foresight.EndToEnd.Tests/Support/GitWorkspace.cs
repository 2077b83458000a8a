using System.Diagnostics;

namespace Foresight.EndToEnd.Tests.Support;

/// <summary>Files and real <c>git</c> for the tests that build a repository to check out.</summary>
public static class GitWorkspace
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> under <paramref name="folder"/>, creating folders.</summary>
    public static void Write(string folder, string relative, string text)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Runs <c>git</c> in <paramref name="directory"/>; fails the test when it fails; returns its output.</summary>
    public static async Task<string> Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return await output;
    }

    /// <summary>
    /// Under <paramref name="root"/> (made readable by the jobs' user, as a root agent runs jobs as foresight-job): a
    /// repository <c>source</c> with <c>hello.txt</c>, the composite action <c>greet/</c> (output <c>message</c>:
    /// <c>hi &lt;name&gt;</c>) and <paramref name="files"/>, committed on main and cloned bare as <c>app.git</c>; and an
    /// action cache holding <c>acme/shout@v1</c>, a node20 action whose output <c>loud</c> is its input <c>text</c> upper-cased.
    /// </summary>
    public static async Task<(string Source, string Bare, string Cache, string Sha)> ActionsRepositoryAsync(string root, string hello, IReadOnlyDictionary<string, string>? files = null)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        }

        var source = Path.Combine(root, "source");
        Write(source, "hello.txt", hello);
        Write(source, "greet/action.yml", """
            name: greet
            inputs:
              name: { default: world }
            outputs:
              message: { value: "${{ steps.say.outputs.line }}" }
            runs:
              using: composite
              steps:
                - { id: say, shell: bash, run: 'echo "line=hi ${{ inputs.name }}" >> "$GITHUB_OUTPUT"' }
            """);
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            Write(source, path, text);
        }

        await Git(source, "init", "-q", "-b", "main");
        await Git(source, "add", ".");
        await Git(source, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "first");
        var sha = (await Git(source, "rev-parse", "HEAD")).Trim();
        var bare = Path.Combine(root, "app.git");
        await Git(root, "clone", "-q", "--bare", source, bare);
        var cache = Path.Combine(root, "cache");
        Write(cache, "acme/shout/v1/action.yml", "inputs:\n  text:\n    required: true\nruns:\n  using: node20\n  main: index.js\n");
        Write(cache, "acme/shout/v1/index.js", "require('fs').appendFileSync(process.env.GITHUB_OUTPUT, 'loud=' + process.env.INPUT_TEXT.toUpperCase() + '\\n');\n");
        return (source, bare, cache, sha);
    }
}
