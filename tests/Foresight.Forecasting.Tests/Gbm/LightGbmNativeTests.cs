using Foresight.Forecasting.Models.Gbm;

namespace Foresight.Forecasting.Tests.Gbm;

public sealed class LightGbmNativeTests
{
    private static readonly GbmLearnerSettings Settings = new(GbmTrainer.LightGbm, Trees: 60, Leaves: 7, MinRowsPerLeaf: 20, LearningRate: 0.2, Threads: 1, Seed: 42);

    /// <summary>Label = 1 when x ≥ 0.5, else 0; one row in five has a label of 100 instead (bursts).</summary>
    private static List<GbmRow> Rows()
    {
        var rows = new List<GbmRow>();
        for (var i = 0; i < 1000; i++)
        {
            var x = (i % 100) / 100f;
            rows.Add(new GbmRow { Label = i % 5 == 0 ? 100 : x >= 0.5f ? 1 : 0, Features = [x, i % 7] });
        }

        return rows;
    }

    [Fact]
    public void Absolute_error_trees_forecast_the_median_where_squared_error_ones_are_dragged_by_bursts()
    {
        var l1 = LightGbmNative.Grow(Rows(), 2, Settings, "objective=l1");
        var l2 = new GbmTrees(GbmLearner.Grow(Rows(), 2, Settings).Ensemble);

        Assert.True(l1.Count > 1);
        Assert.InRange(l1.Score([0.2f, 3]), -0.1, 0.1);
        Assert.InRange(l1.Score([0.8f, 3]), 0.9, 1.1);
        Assert.True(l2.Score([0.2f, 3]) > 10, $"squared error: {l2.Score([0.2f, 3])}");
    }

    [Fact]
    public void A_json_dump_flattens_into_trees_that_score_like_it()
    {
        // Two trees: x0 <= 0.5 → (x1 <= 2 → 1, else 2), else 3; and a single leaf 0.25.
        const string json = """
            {"tree_info":[
              {"tree_structure":{"split_feature":0,"threshold":0.5,"decision_type":"<=",
                "left_child":{"split_feature":1,"threshold":2,"decision_type":"<=","left_child":{"leaf_index":0,"leaf_value":1},"right_child":{"leaf_index":1,"leaf_value":2}},
                "right_child":{"leaf_index":2,"leaf_value":3}}},
              {"tree_structure":{"leaf_value":0.25}}]}
            """;
        var trees = LightGbmNative.Flatten(json);

        Assert.Equal(2, trees.Count);
        Assert.Equal(1.25, trees.Score([0.5f, 2]));
        Assert.Equal(2.25, trees.Score([0.1f, 5]));
        Assert.Equal(3.25, trees.Score([0.9f, 0]));
        var many = new double[3];
        trees.ScoreMany([0.5f, 2, 0.1f, 5, 0.9f, 0], 2, many);
        Assert.Equal([1.25, 2.25, 3.25], many);
    }
}
