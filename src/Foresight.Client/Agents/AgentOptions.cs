namespace Foresight.Client.Agents;

/// <summary>How an agent talks to its worker.</summary>
public sealed class AgentOptions
{
    /// <summary>How often the agent sends a heartbeat. Keep well under the server's heartbeat timeout (10 s by default).</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Back-off between tries when a report cannot be delivered (a silo is failing over). Reports are never dropped.</summary>
    public TimeSpan ReportRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Called with the round-trip time of every heartbeat that got an answer (for measurements).</summary>
    public Action<TimeSpan>? HeartbeatAnswered { get; set; }

    /// <summary>On dispose after an abrupt stop, how long to wait for cancelled attempts to end (their processes killed).</summary>
    public TimeSpan AbandonGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a poll for work waits on the server before it answers "nothing".</summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest back-off between tries of a failing poll or claim.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tries of a claim while the job is unreachable before leaving it to a later poll.</summary>
    public int ClaimTries { get; set; } = 5;

    /// <summary>Most reports sent in one call.</summary>
    public int MaxReportBatch { get; set; } = 512;
}
