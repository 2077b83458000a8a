using System.Reflection;

namespace Foresight.Testing;

/// <summary>
/// The repository's root folder (the one holding Orleans.sln). The test project's build records it as assembly
/// metadata <c>ForesightRepositoryRoot</c> (see the csproj), since the build output may lie outside the repository
/// (<c>FORESIGHT_ARTIFACTS</c>); without that record the folders above the test binary are searched.
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ForesightRepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(System.IO.Path.Combine(recorded, "Orleans.sln")))
        {
            return System.IO.Path.GetFullPath(recorded);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Orleans.sln above {AppContext.BaseDirectory}, and no ForesightRepositoryRoot metadata");
    }
}
