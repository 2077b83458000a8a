namespace Foresight.Forecasting.Models.Gbm;

/// <summary>One ML.NET training row.</summary>
internal sealed class GbmRow
{
    public float Label { get; set; }

    public float[] Features { get; set; } = [];
}
