namespace Foresight.Abstractions.Events;

/// <summary>Stream provider and namespaces. Stream key = pool name.</summary>
public static class StreamNames
{
    public const string Provider = "events";
    public const string Heartbeats = "heartbeats";
    public const string Load = "load";
}
