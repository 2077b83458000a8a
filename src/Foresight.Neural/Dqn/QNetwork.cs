using Foresight.Scheduling.Placement.Dqn;
using TorchSharp;
using static TorchSharp.torch;

namespace Foresight.Neural.Dqn;

/// <summary>The torch side of the <c>dqn</c> Q-network: Linear → ReLU → Linear → ReLU → Linear (one Q value per action).</summary>
internal sealed class QNetwork : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear input;
    private readonly TorchSharp.Modules.Linear hidden;
    private readonly TorchSharp.Modules.Linear output;

    public QNetwork(int features, int width, int actions)
        : base(nameof(QNetwork))
    {
        input = nn.Linear(features, width);
        hidden = nn.Linear(width, width);
        output = nn.Linear(width, actions);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => output.call(nn.functional.relu(hidden.call(nn.functional.relu(input.call(x)))));

    /// <summary>Copies the parameters into the managed network the placement runs.</summary>
    public DqnNetwork Export() => new([Layer(input), Layer(hidden), Layer(output)]);

    private static DqnLayer Layer(TorchSharp.Modules.Linear l) => new(
        (int)l.in_features,
        (int)l.out_features,
        l.weight!.detach().cpu().data<float>().ToArray(),
        l.bias!.detach().cpu().data<float>().ToArray());
}
