using System.Numerics;

namespace Foresight.Neural.Lstm;

/// <summary>
/// A trained one-layer LSTM with a linear head, copied out of TorchSharp into plain arrays so prediction runs
/// in managed code without touching libtorch. Gate order is PyTorch's: input, forget, cell, output.
/// </summary>
public sealed class LstmWeights
{
    private readonly float[] _wIh; // [4H, I]
    private readonly float[] _wHh; // [4H, H]
    private readonly float[] _b;   // [4H] = b_ih + b_hh
    private readonly float[] _wOut; // [O, H]
    private readonly float[] _bOut; // [O]

    /// <summary>Creates the weights; array shapes follow torch.nn.LSTM and torch.nn.Linear (row-major).</summary>
    public LstmWeights(int inputSize, int hidden, int outputs, float[] wIh, float[] wHh, float[] bIh, float[] bHh, float[] wOut, float[] bOut)
    {
        ArgumentNullException.ThrowIfNull(wIh);
        ArgumentNullException.ThrowIfNull(wHh);
        ArgumentNullException.ThrowIfNull(bIh);
        ArgumentNullException.ThrowIfNull(bHh);
        ArgumentNullException.ThrowIfNull(wOut);
        ArgumentNullException.ThrowIfNull(bOut);
        if (wIh.Length != 4 * hidden * inputSize || wHh.Length != 4 * hidden * hidden || bIh.Length != 4 * hidden
            || bHh.Length != 4 * hidden || wOut.Length != outputs * hidden || bOut.Length != outputs)
        {
            throw new ArgumentException("LSTM weight shapes do not match the declared sizes.");
        }

        InputSize = inputSize;
        Hidden = hidden;
        Outputs = outputs;
        _wIh = wIh;
        _wHh = wHh;
        _b = new float[4 * hidden];
        for (var i = 0; i < _b.Length; i++)
        {
            _b[i] = bIh[i] + bHh[i];
        }

        _wOut = wOut;
        _bOut = bOut;
    }

    /// <summary>Features per time step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units.</summary>
    public int Hidden { get; }

    /// <summary>Head outputs (direct horizon).</summary>
    public int Outputs { get; }

    /// <summary>Runs the sequence <paramref name="input"/> ([steps, InputSize], row-major) and writes the head into <paramref name="output"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        var steps = input.Length / InputSize;
        var hd = Hidden;
        Span<float> h = stackalloc float[hd];
        Span<float> c = stackalloc float[hd];
        Span<float> gates = stackalloc float[4 * hd];
        h.Clear();
        c.Clear();
        for (var t = 0; t < steps; t++)
        {
            var x = input.Slice(t * InputSize, InputSize);
            for (var g = 0; g < 4 * hd; g++)
            {
                gates[g] = _b[g] + Dot(_wIh.AsSpan(g * InputSize, InputSize), x) + Dot(_wHh.AsSpan(g * hd, hd), h);
            }

            for (var j = 0; j < hd; j++)
            {
                var i = Sigmoid(gates[j]);
                var f = Sigmoid(gates[hd + j]);
                var gg = MathF.Tanh(gates[(2 * hd) + j]);
                var o = Sigmoid(gates[(3 * hd) + j]);
                c[j] = (f * c[j]) + (i * gg);
                h[j] = o * MathF.Tanh(c[j]);
            }
        }

        for (var o = 0; o < Outputs; o++)
        {
            output[o] = _bOut[o] + Dot(_wOut.AsSpan(o * hd, hd), h);
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
