using Foresight.Forecasting.Federated;

namespace Foresight.Neural.Lstm;

/// <summary>
/// The LSTM's parameters by name, as torch names them (<c>lstm.weight_ih_l0</c>, …, <c>head.bias</c>), with the
/// shapes a network of given sizes has. The form FedAvg averages and the federated exchange carries.
/// </summary>
public static class LstmParameters
{
    /// <summary>The kind name of this model in a federated document.</summary>
    public const string Kind = "lstm";

    /// <summary>Parameter names and shapes of a network with <paramref name="features"/> inputs per step, <paramref name="hidden"/> units and <paramref name="outputs"/> head outputs.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Shapes(int features, int hidden, int outputs) =>
    [
        ("lstm.weight_ih_l0", [4 * hidden, features]),
        ("lstm.weight_hh_l0", [4 * hidden, hidden]),
        ("lstm.bias_ih_l0", [4 * hidden]),
        ("lstm.bias_hh_l0", [4 * hidden]),
        ("head.weight", [outputs, hidden]),
        ("head.bias", [outputs]),
    ];

    /// <summary>
    /// Checks <paramref name="parameters"/> against the shapes of a network of the given sizes: a missing, extra or
    /// differently shaped parameter, or a non-finite value, is refused with an <see cref="ArgumentException"/> whose
    /// <see cref="ArgumentException.ParamName"/> is the parameter's name.
    /// </summary>
    public static void Check(ModelParameters parameters, int features, int hidden, int outputs)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var expected = Shapes(features, hidden, outputs);
        foreach (var (name, shape) in expected)
        {
            var t = parameters.Find(name) ?? throw new ArgumentException($"Parameter '{name}' is missing.", name);
            if (!t.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new ArgumentException($"Parameter '{name}' has shape {t.ShapeText}; this LSTM needs [{string.Join(',', shape)}].", name);
            }

            if (t.Values.Any(v => !float.IsFinite(v)))
            {
                throw new ArgumentException($"Parameter '{name}' has a non-finite value.", name);
            }
        }

        foreach (var t in parameters.Tensors)
        {
            if (expected.All(e => e.Name != t.Name))
            {
                throw new ArgumentException($"Parameter '{t.Name}' is not a parameter of this LSTM.", t.Name);
            }
        }
    }

    /// <summary>The managed forward-pass weights of <paramref name="parameters"/> (checked first, see <see cref="Check"/>).</summary>
    public static LstmWeights ToWeights(ModelParameters parameters, int features, int hidden, int outputs)
    {
        Check(parameters, features, hidden, outputs);
        float[] Get(string name) => parameters.Find(name)!.Values;
        return new LstmWeights(
            features,
            hidden,
            outputs,
            Get("lstm.weight_ih_l0"),
            Get("lstm.weight_hh_l0"),
            Get("lstm.bias_ih_l0"),
            Get("lstm.bias_hh_l0"),
            Get("head.weight"),
            Get("head.bias"));
    }
}
