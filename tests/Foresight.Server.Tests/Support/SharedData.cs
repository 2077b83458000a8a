using System.Runtime.CompilerServices;

namespace Foresight.Server.Tests.Support;

/// <summary>The project's shared data: <c>../shared/data</c> beside the repository root (CI and every developer have it).</summary>
public static class SharedData
{
    /// <summary>The folder; a missing one fails the test with where it was looked for.</summary>
    public static string Folder(string name, [CallerFilePath] string source = "")
    {
        // The binaries may be built outside the work tree (FORESIGHT_ARTIFACTS): then the source file's path finds it.
        var root = RootAbove(AppContext.BaseDirectory) ?? RootAbove(Path.GetDirectoryName(source) ?? "");
        Assert.True(root is not null, $"no repository root (Orleans.sln) above {AppContext.BaseDirectory} or {source}");
        var folder = Path.GetFullPath(Path.Combine(root!, "..", "shared", "data", name));
        Assert.True(
            Directory.Exists(folder),
            $"{folder} is missing: the tests read the real GitHub payloads from ../shared/data beside the repository (CI={Environment.GetEnvironmentVariable("CI") ?? "unset"})");
        return folder;
    }

    private static string? RootAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
