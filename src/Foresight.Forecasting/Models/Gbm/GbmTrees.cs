using Microsoft.ML.Trainers.FastTree;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// A trained tree ensemble flattened into one node array for allocation-free scoring: a feature value less than
/// or equal to the node's threshold goes left; a negative child is a leaf (~index into the tree's leaves).
/// Leaf values are pre-multiplied by their tree's weight.
/// </summary>
internal sealed class GbmTrees
{
    private readonly Node[] _nodes;
    private readonly double[] _leaves;
    private readonly int[] _nodeStart;
    private readonly int[] _leafStart;
    private readonly double _bias;

    public GbmTrees(RegressionTreeEnsemble ensemble)
    {
        var trees = ensemble.Trees;
        var nodes = new List<Node>();
        var leaves = new List<double>();
        _nodeStart = new int[trees.Count];
        _leafStart = new int[trees.Count];
        _bias = ensemble.Bias;
        for (var i = 0; i < trees.Count; i++)
        {
            var tree = trees[i];
            if (tree.CategoricalSplitFlags.Any(f => f))
            {
                throw new NotSupportedException("Categorical splits are not used by the GBM forecaster.");
            }

            _nodeStart[i] = tree.NumberOfNodes > 0 ? nodes.Count : -1;
            _leafStart[i] = leaves.Count;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                nodes.Add(new Node(tree.NumericalSplitFeatureIndexes[n], tree.NumericalSplitThresholds[n], tree.LeftChild[n], tree.RightChild[n]));
            }

            var weight = ensemble.TreeWeights[i];
            leaves.AddRange(tree.LeafValues.Select(v => weight * v));
        }

        _nodes = [.. nodes];
        _leaves = [.. leaves];
    }

    private GbmTrees(Node[] nodes, double[] leaves, int[] nodeStart, int[] leafStart, double bias)
    {
        _nodes = nodes;
        _leaves = leaves;
        _nodeStart = nodeStart;
        _leafStart = leafStart;
        _bias = bias;
    }

    public int Count => _leafStart.Length;

    public double Score(ReadOnlySpan<float> row)
    {
        var sum = _bias;
        var nodes = _nodes.AsSpan();
        for (var t = 0; t < _leafStart.Length; t++)
        {
            var start = _nodeStart[t];
            var leaf = 0;
            if (start >= 0)
            {
                var node = 0;
                do
                {
                    ref readonly var n = ref nodes[start + node];
                    node = row[n.Feature] <= n.Threshold ? n.Left : n.Right;
                }
                while (node >= 0);
                leaf = ~node;
            }

            sum += _leaves[_leafStart[t] + leaf];
        }

        return sum;
    }

    /// <summary>Scores <paramref name="into"/>.Length rows stored back to back in <paramref name="rows"/>, tree by tree (cache-friendly).</summary>
    public void ScoreMany(ReadOnlySpan<float> rows, int rowLength, Span<double> into)
    {
        into.Fill(_bias);
        var nodes = _nodes.AsSpan();
        for (var t = 0; t < _leafStart.Length; t++)
        {
            var start = _nodeStart[t];
            var leaves = _leaves.AsSpan(_leafStart[t]);
            for (var r = 0; r < into.Length; r++)
            {
                var leaf = 0;
                if (start >= 0)
                {
                    var row = rows.Slice(r * rowLength, rowLength);
                    var node = 0;
                    do
                    {
                        ref readonly var n = ref nodes[start + node];
                        node = row[n.Feature] <= n.Threshold ? n.Left : n.Right;
                    }
                    while (node >= 0);
                    leaf = ~node;
                }

                into[r] += leaves[leaf];
            }
        }
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    /// <summary>Collects trees given as node lists (children: a node index, or ~leaf index for a leaf) and leaf values.</summary>
    internal sealed class Builder
    {
        private readonly List<Node> _nodes = [];
        private readonly List<double> _leaves = [];
        private readonly List<int> _nodeStart = [];
        private readonly List<int> _leafStart = [];

        public void AddTree(IReadOnlyList<(int Feature, float Threshold, int Left, int Right)> nodes, IReadOnlyList<double> leaves)
        {
            _nodeStart.Add(nodes.Count > 0 ? _nodes.Count : -1);
            _leafStart.Add(_leaves.Count);
            _nodes.AddRange(nodes.Select(n => new Node(n.Feature, n.Threshold, n.Left, n.Right)));
            _leaves.AddRange(leaves);
        }

        public GbmTrees Build() => new([.. _nodes], [.. _leaves], [.. _nodeStart], [.. _leafStart], 0);
    }
}
