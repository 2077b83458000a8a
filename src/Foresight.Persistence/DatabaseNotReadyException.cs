namespace Foresight.Persistence;

/// <summary>The database cannot serve Foresight: unreachable, login refused, or its schema missing or older than this build.</summary>
public sealed class DatabaseNotReadyException : Exception
{
    public DatabaseNotReadyException()
    {
    }

    public DatabaseNotReadyException(string message)
        : base(message)
    {
    }

    public DatabaseNotReadyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
