namespace Foresight.Testing;

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    /// <param name="writableByJobs">Let any user write here: jobs a root test process runs as another user (JobUser)
    /// can then leave files for the test to read.</param>
    public TempDir(bool writableByJobs = false)
    {
        Path = Directory.CreateTempSubdirectory("foresight-agent-test-").FullName;
        if (writableByJobs && !OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(Path, (UnixFileMode)0b111_111_111);
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
