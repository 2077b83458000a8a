namespace Foresight.Forecasting.Models.Gbm;

/// <summary>The ML.NET tree learner behind <see cref="GbmForecaster"/>.</summary>
public enum GbmTrainer
{
    /// <summary>LightGBM (native lib_lightgbm; needs libgomp1). Falls back to FastTree if the native library cannot load.</summary>
    LightGbm,

    /// <summary>ML.NET FastTree (managed).</summary>
    FastTree,
}

/// <summary>The loss a GBM forecaster's trees minimise.</summary>
public enum GbmObjective
{
    /// <summary>L2: the mean (ML.NET's LightGbm or FastTree regression).</summary>
    SquaredError,

    /// <summary>L1: the median (LightGBM's <c>objective=l1</c> through its C API).</summary>
    AbsoluteError,
}
