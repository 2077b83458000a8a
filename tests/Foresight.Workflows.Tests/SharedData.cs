namespace Foresight.Workflows.Tests;

/// <summary>Finds files under the repository's sibling <c>shared</c> folder (not committed to the repository).</summary>
internal static class SharedData
{
    /// <summary>The folder, or null when it is missing outside CI; with CI=true a missing folder fails the test.</summary>
    public static string? Folder(string relative)
    {
        var root = new DirectoryInfo(Foresight.Testing.RepositoryRoot.Path);
        var folder = Path.Combine(root.Parent?.FullName ?? root.FullName, "shared", relative);
        if (Directory.Exists(folder))
        {
            return folder;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"../shared/{relative} is missing: the real workflow files live next to the repository, not in it");
        }

        return null;
    }
}
