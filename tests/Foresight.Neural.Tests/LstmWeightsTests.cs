using Foresight.Neural.Lstm;
using TorchSharp;

namespace Foresight.Neural.Tests;

public sealed class LstmWeightsTests
{
    [Fact]
    public void Managed_forward_matches_TorchSharp()
    {
        const int features = 3, hidden = 8, outputs = 5, steps = 20;
        torch.set_num_threads(1);
        torch.manual_seed(1);
        using var net = new LstmNetwork(features, hidden, outputs);
        var random = new Random(2);
        var x = Enumerable.Range(0, steps * features).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

        using var input = torch.tensor(x, [1, steps, features]);
        using var result = net.call(input);
        var expected = result.data<float>().ToArray();

        var managed = new float[outputs];
        net.Export(features, hidden, outputs).Forward(x, managed);
        for (var k = 0; k < outputs; k++)
        {
            Assert.Equal(expected[k], managed[k], 1e-4);
        }
    }
}
