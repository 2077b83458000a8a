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

    /// <summary>Copies the trained parameters into managed arrays.</summary>
    public LstmWeights Export(int features, int hidden, int outputs)
    {
        var p = named_parameters().ToDictionary(x => x.name, x => x.parameter);
        float[] Get(string name) => p[name].detach().cpu().data<float>().ToArray();
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
