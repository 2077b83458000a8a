namespace Foresight.Forecasting.Federated;

/// <summary>One named parameter tensor of a model: its shape and its values, row-major.</summary>
public sealed record ParameterTensor
{
    /// <summary>Creates the tensor, checking that <paramref name="values"/> has as many entries as <paramref name="shape"/> says.</summary>
    public ParameterTensor(string name, int[] shape, float[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        long size = 1;
        foreach (var d in shape)
        {
            if (d < 1)
            {
                throw new ArgumentException($"Parameter '{name}' has a dimension of {d}; every dimension must be at least 1.", name);
            }

            size *= d;
        }

        if (size != values.Length)
        {
            throw new ArgumentException($"Parameter '{name}' has shape [{string.Join(',', shape)}] ({size} values) but {values.Length} values.", name);
        }

        Name = name;
        Shape = shape;
        Values = values;
    }

    /// <summary>The parameter's name, e.g. <c>lstm.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>The shape as text, e.g. <c>[128,5]</c>.</summary>
    public string ShapeText => "[" + string.Join(',', Shape) + "]";
}

/// <summary>A model's parameters by name, in a fixed order (the order they were given in). Names are unique.</summary>
public sealed class ModelParameters
{
    private readonly Dictionary<string, ParameterTensor> _byName;

    /// <summary>Creates the set; a repeated name is refused naming it.</summary>
    public ModelParameters(IEnumerable<ParameterTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = [.. tensors];
        _byName = new Dictionary<string, ParameterTensor>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (!_byName.TryAdd(t.Name, t))
            {
                throw new ArgumentException($"Parameter '{t.Name}' appears more than once.", t.Name);
            }
        }
    }

    /// <summary>The tensors in order.</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }

    /// <summary>Total number of values over all tensors.</summary>
    public long Count => Tensors.Sum(t => (long)t.Values.Length);

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public ParameterTensor? Find(string name) => _byName.GetValueOrDefault(name);
}
