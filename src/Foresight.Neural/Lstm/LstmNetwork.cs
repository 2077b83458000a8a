using Foresight.Forecasting.Federated;
using TorchSharp;
using static TorchSharp.torch;

namespace Foresight.Neural.Lstm;

/// <summary>One LSTM layer over the window, then a linear head reading the last hidden state: all horizon steps at once.</summary>
internal sealed class LstmNetwork : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.LSTM lstm;
    private readonly TorchSharp.Modules.Linear head;

    public LstmNetwork(int features, int hidden, int outputs)
        : base(nameof(LstmNetwork))
    {
        lstm = nn.LSTM(features, hidden, batchFirst: true);
        head = nn.Linear(hidden, outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var (output, _, _) = lstm.call(input);
        return head.call(output.select(1, -1));
    }

    /// <summary>The parameters by name, copied out of torch (see <see cref="LstmParameters"/>).</summary>
    public ModelParameters ExportParameters() =>
        new(named_parameters().Select(x => new ParameterTensor(
            x.name,
            [.. x.parameter.shape.Select(d => (int)d)],
            x.parameter.detach().cpu().data<float>().ToArray())));

    /// <summary>Copies the trained parameters into the managed forward pass.</summary>
    public LstmWeights Export(int features, int hidden, int outputs) => LstmParameters.ToWeights(ExportParameters(), features, hidden, outputs);

    /// <summary>Overwrites the parameters with <paramref name="parameters"/> (checked against this network's shapes first).</summary>
    public void Load(ModelParameters parameters, int features, int hidden, int outputs)
    {
        LstmParameters.Check(parameters, features, hidden, outputs);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            var t = parameters.Find(name)!;
            using var source = torch.tensor(t.Values, [.. t.Shape.Select(d => (long)d)]);
            parameter.copy_(source);
        }
    }
}
