using System.Diagnostics;

namespace Foresight.Testing;

/// <summary>Ending the child processes tests start (servers, Prometheus).</summary>
internal static class ChildProcesses
{
    /// <summary>Kills the process and its children if still running, waits for it, and releases it.</summary>
    public static async Task KillAndDisposeAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
