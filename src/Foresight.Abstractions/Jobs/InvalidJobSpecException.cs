namespace Foresight.Abstractions.Jobs;

/// <summary>A job spec was refused; <see cref="Field"/> names the offending field.</summary>
[GenerateSerializer]
public sealed class InvalidJobSpecException : ArgumentException
{
    public InvalidJobSpecException()
    {
    }

    public InvalidJobSpecException(string message)
        : base(message)
    {
    }

    public InvalidJobSpecException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public InvalidJobSpecException(string field, string reason)
        : base($"{field} {reason}")
    {
        Field = field;
        Reason = reason;
    }

    [Id(0)]
    public string Field { get; init; } = "";

    [Id(1)]
    public string Reason { get; init; } = "";

    /// <summary>A count or size limit of <see cref="JobLimits"/> was passed (HTTP 413), not a plain mistake (400).</summary>
    [Id(2)]
    public bool OverLimit { get; init; }
}
