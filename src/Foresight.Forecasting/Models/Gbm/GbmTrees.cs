using Microsoft.ML.Trainers.FastTree;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// A trained tree ensemble flattened into arrays for allocation-free scoring: at each node a feature value
/// less than or equal to the threshold goes left; negative child indices are leaves (~index).
/// </summary>
internal sealed class GbmTrees
{
    private readonly int[][] _feature;
    private readonly float[][] _threshold;
    private readonly int[][] _left;
    private readonly int[][] _right;
    private readonly double[][] _leaf;
    private readonly double[] _weight;
    private readonly double _bias;

    public GbmTrees(RegressionTreeEnsemble ensemble)
    {
        var trees = ensemble.Trees;
        _feature = new int[trees.Count][];
        _threshold = new float[trees.Count][];
        _left = new int[trees.Count][];
        _right = new int[trees.Count][];
        _leaf = new double[trees.Count][];
        _weight = [.. ensemble.TreeWeights];
        _bias = ensemble.Bias;
        for (var i = 0; i < trees.Count; i++)
        {
            var tree = trees[i];
            if (tree.CategoricalSplitFlags.Any(f => f))
            {
                throw new NotSupportedException("Categorical splits are not used by the GBM forecaster.");
            }

            _feature[i] = [.. tree.NumericalSplitFeatureIndexes];
            _threshold[i] = [.. tree.NumericalSplitThresholds];
            _left[i] = [.. tree.LeftChild];
            _right[i] = [.. tree.RightChild];
            _leaf[i] = [.. tree.LeafValues];
        }
    }

    public int Count => _leaf.Length;

    public double Score(ReadOnlySpan<float> row)
    {
        var sum = _bias;
        for (var t = 0; t < _leaf.Length; t++)
        {
            var node = 0;
            if (_feature[t].Length > 0)
            {
                var feature = _feature[t];
                var threshold = _threshold[t];
                var left = _left[t];
                var right = _right[t];
                while (node >= 0)
                {
                    node = row[feature[node]] <= threshold[node] ? left[node] : right[node];
                }

                node = ~node;
            }

            sum += _weight[t] * _leaf[t][node];
        }

        return sum;
    }
}
