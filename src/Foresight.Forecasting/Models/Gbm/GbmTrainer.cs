namespace Foresight.Forecasting.Models.Gbm;

/// <summary>The ML.NET tree learner behind <see cref="GbmForecaster"/>.</summary>
public enum GbmTrainer
{
    /// <summary>LightGBM (native lib_lightgbm; needs libgomp1). Falls back to FastTree if the native library cannot load.</summary>
    LightGbm,

    /// <summary>ML.NET FastTree (managed).</summary>
    FastTree,
}
