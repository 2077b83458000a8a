using Foresight.Forecasting.Federated;

namespace Foresight.Forecasting.Tests.Federated;

public sealed class FedAvgTests
{
    private static ModelParameters Model(float w0, float w1, float b) => new(
    [
        new ParameterTensor("layer.weight", [1, 2], [w0, w1]),
        new ParameterTensor("layer.bias", [1], [b]),
    ]);

    [Fact]
    public void Averages_every_parameter_weighted_by_sample_count()
    {
        var merged = FedAvg.Average([(Model(1, 2, 10), 300), (Model(5, -2, 20), 100)]);

        Assert.Equal(["layer.weight", "layer.bias"], merged.Tensors.Select(t => t.Name));
        Assert.Equal([1, 2], merged.Find("layer.weight")!.Shape);
        // (300·1 + 100·5) / 400 = 2; (300·2 + 100·−2) / 400 = 1; (300·10 + 100·20) / 400 = 12.5
        Assert.Equal([2f, 1f], merged.Find("layer.weight")!.Values);
        Assert.Equal([12.5f], merged.Find("layer.bias")!.Values);
    }

    [Fact]
    public void Equal_counts_give_the_plain_mean_and_one_participant_is_returned_unchanged()
    {
        Assert.Equal([3f, 0f], FedAvg.Average([(Model(1, 2, 0), 7), (Model(5, -2, 0), 7)]).Find("layer.weight")!.Values);
        Assert.Equal([1f, 2f], FedAvg.Average([(Model(1, 2, 0), 7)]).Find("layer.weight")!.Values);
    }

    [Fact]
    public void A_participant_without_samples_contributes_nothing()
    {
        var merged = FedAvg.Average([(Model(1, 2, 3), 50), (Model(100, 100, 100), 0)]);
        Assert.Equal([1f, 2f], merged.Find("layer.weight")!.Values);
        Assert.Equal([3f], merged.Find("layer.bias")!.Values);
    }

    [Fact]
    public void A_shape_mismatch_is_refused_naming_the_parameter()
    {
        var wide = new ModelParameters(
        [
            new ParameterTensor("layer.weight", [2, 1], [1, 2]),
            new ParameterTensor("layer.bias", [1], [0]),
        ]);

        var e = Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), 1), (wide, 1)]));
        Assert.Equal("layer.weight", e.ParamName);
        Assert.Contains("[2,1]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1,2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_extra_parameter_is_refused_naming_it()
    {
        var noBias = new ModelParameters([new ParameterTensor("layer.weight", [1, 2], [1, 2])]);
        Assert.Equal("layer.bias", Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), 1), (noBias, 1)])).ParamName);

        var extra = new ModelParameters([.. Model(1, 2, 0).Tensors, new ParameterTensor("layer.scale", [1], [1])]);
        Assert.Equal("layer.scale", Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), 1), (extra, 1)])).ParamName);
    }

    [Fact]
    public void Non_finite_values_negative_counts_and_no_samples_are_refused()
    {
        Assert.Equal("layer.bias", Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), 1), (Model(1, 2, float.NaN), 1)])).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), -1)])).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => FedAvg.Average([(Model(1, 2, 0), 0), (Model(1, 2, 0), 0)])).ParamName);
        Assert.Throws<ArgumentException>(() => FedAvg.Average([]));
    }

    [Fact]
    public void Tensors_check_their_size_and_sets_refuse_repeated_names()
    {
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => new ParameterTensor("w", [2, 2], [1, 2, 3])).ParamName);
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => new ModelParameters([new ParameterTensor("w", [1], [1]), new ParameterTensor("w", [1], [2])])).ParamName);
    }
}
