namespace Foresight.Abstractions.Api;

/// <summary>
/// One job's answer in a batch submission (<c>POST /api/jobs:batch</c>), in the order the jobs were sent. Accepted:
/// <see cref="Status"/> 202 with the job's <see cref="Id"/>, <see cref="Location"/> and <see cref="State"/>. Refused:
/// the status the job alone would have had (400, 403, 413) and, as in a problem, the <see cref="Field"/> at fault
/// (relative to the job) and the <see cref="Reason"/>.
/// </summary>
public sealed record JobBatchResult(
    int Index,
    int Status,
    string? Id = null,
    string? Location = null,
    string? State = null,
    string? Title = null,
    string? Field = null,
    string? Reason = null)
{
    /// <summary>Whether the job was accepted (durable and queued).</summary>
    public bool Accepted => Status == 202;
}
