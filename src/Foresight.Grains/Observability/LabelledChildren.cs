using System.Collections.Concurrent;
using Prometheus;

namespace Foresight.Grains.Observability;

/// <summary>
/// The children of a metric labelled by one name (a pool or a storage), found again without the label array that
/// <c>WithLabels</c> takes: a metric updated with every job or state write would otherwise allocate one each time.
/// The metric keeps its children for good, so holding them here keeps nothing alive that it does not.
/// </summary>
internal sealed class LabelledChildren<TChild>(Collector<TChild> metric)
    where TChild : ChildBase
{
    private readonly ConcurrentDictionary<string, TChild> _children = new(StringComparer.Ordinal);

    public TChild Of(string name) =>
        _children.TryGetValue(name, out var child) ? child : _children.GetOrAdd(name, metric.WithLabels(name));
}

/// <summary>
/// The children of a metric labelled by a name and a state (the enum member's name), found again without the label
/// array and the boxed state that <c>WithLabels(name, state.ToString())</c> costs.
/// </summary>
internal sealed class LabelledChildren<TChild, TState>(Collector<TChild> metric)
    where TChild : ChildBase
    where TState : struct, Enum
{
    private readonly ConcurrentDictionary<(string Name, TState State), TChild> _children = new();

    public TChild Of(string name, TState state) =>
        _children.TryGetValue((name, state), out var child) ? child : _children.GetOrAdd((name, state), metric.WithLabels(name, state.ToString()));
}
