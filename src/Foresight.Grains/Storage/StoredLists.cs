namespace Foresight.Grains.Storage;

/// <summary>
/// Lists kept in grain state as arrays. The Orleans serializer picks the codec of an interface-typed member
/// (<c>IReadOnlyList&lt;string&gt;</c>) by the runtime type of its value and remembers only the types it has a codec
/// for: a compiler-generated collection (what a collection expression gives an <c>IReadOnlyList</c>) is looked up
/// again, by reflection, on every write and every copy. An array is looked up once.
/// </summary>
public static class StoredLists
{
    public static IReadOnlyList<string> Of(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values as string[] ?? values.ToArray();
    }
}
