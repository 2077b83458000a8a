namespace Foresight.Scheduling.Placement.Dqn;

/// <summary>One fully connected layer of a <see cref="DqnNetwork"/>.</summary>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width.</param>
/// <param name="Weights">Row-major [outputs × inputs].</param>
/// <param name="Bias">One per output.</param>
public sealed record DqnLayer(int Inputs, int Outputs, float[] Weights, float[] Bias);

/// <summary>
/// The Q-network of the <c>dqn</c> placement as plain arrays: fully connected layers with ReLU between them and none
/// after the last (one Q value per action). Trained with TorchSharp in the simulator (<c>Foresight.Neural</c>); the
/// forward pass here is managed, so a host that only places jobs never loads libtorch.
/// </summary>
public sealed class DqnNetwork
{
    /// <summary>Largest layer width accepted (a cap on what a configuration can make the scheduler allocate).</summary>
    public const int MaxWidth = 1024;

    private readonly DqnLayer[] _layers;

    /// <summary>Checks the layer shapes chain and every parameter is finite.</summary>
    /// <exception cref="ArgumentException">Empty, mismatched shapes, arrays of the wrong length, or a NaN/infinite parameter.</exception>
    public DqnNetwork(IReadOnlyList<DqnLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("A Q-network needs at least one layer.", nameof(layers));
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i] ?? throw new ArgumentException($"Layer {i} is missing.", nameof(layers));
            if (l.Inputs is < 1 or > MaxWidth || l.Outputs is < 1 or > MaxWidth)
            {
                throw new ArgumentException($"Layer {i}: widths must be 1..{MaxWidth} (got {l.Inputs} → {l.Outputs}).", nameof(layers));
            }

            if (i > 0 && layers[i - 1].Outputs != l.Inputs)
            {
                throw new ArgumentException($"Layer {i} takes {l.Inputs} inputs but layer {i - 1} gives {layers[i - 1].Outputs}.", nameof(layers));
            }

            if (l.Weights is null || l.Weights.Length != l.Inputs * l.Outputs || l.Bias is null || l.Bias.Length != l.Outputs)
            {
                throw new ArgumentException($"Layer {i}: expected {l.Inputs * l.Outputs} weights and {l.Outputs} biases.", nameof(layers));
            }

            if (!l.Weights.All(float.IsFinite) || !l.Bias.All(float.IsFinite))
            {
                throw new ArgumentException($"Layer {i} has a NaN or infinite parameter.", nameof(layers));
            }
        }

        _layers = [.. layers];
    }

    public IReadOnlyList<DqnLayer> Layers => _layers;

    public int Inputs => _layers[0].Inputs;

    public int Outputs => _layers[^1].Outputs;

    /// <summary>Q values of every action for one state.</summary>
    public float[] Forward(ReadOnlySpan<float> input)
    {
        if (input.Length != Inputs)
        {
            throw new ArgumentException($"The network takes {Inputs} inputs, got {input.Length}.", nameof(input));
        }

        var current = input.ToArray();
        for (var i = 0; i < _layers.Length; i++)
        {
            var l = _layers[i];
            var next = new float[l.Outputs];
            for (var o = 0; o < l.Outputs; o++)
            {
                var sum = l.Bias[o];
                var row = l.Weights.AsSpan(o * l.Inputs, l.Inputs);
                for (var k = 0; k < row.Length; k++)
                {
                    sum += row[k] * current[k];
                }

                next[o] = i < _layers.Length - 1 ? Math.Max(0f, sum) : sum;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Index of the largest Q value (the first on ties).</summary>
    public int Greedy(ReadOnlySpan<float> input)
    {
        var q = Forward(input);
        var best = 0;
        for (var a = 1; a < q.Length; a++)
        {
            if (q[a] > q[best])
            {
                best = a;
            }
        }

        return best;
    }
}
