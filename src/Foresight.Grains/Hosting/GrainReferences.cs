namespace Foresight.Grains.Hosting;

/// <summary>
/// Grain references by string key without Orleans' per-call interface lookup: <c>GetGrain&lt;T&gt;(key)</c> in
/// Orleans 10 reads the interface's attributes by reflection on every call, and the hot path makes references to every
/// job several times over. The grain type and interface type of <typeparamref name="T"/> are resolved once, through
/// Orleans, and a reference is then made from the id and the interface type.
/// </summary>
public static class GrainReferences
{
    public static T ByKey<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        var types = TypesOf<T>.Resolved ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    private static Types Resolve<T>(IGrainFactory grains)
        where T : IGrainWithStringKey
    {
        var probe = grains.GetGrain<T>("-");
        return new Types(probe.GetGrainId().Type, ((GrainReference)(object)probe).InterfaceType);
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);

    private static class TypesOf<T>
    {
        public static Types? Resolved;
    }
}
