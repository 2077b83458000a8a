namespace Foresight.Forecasting.Selection;

/// <summary>The backtest score automatic selection minimises.</summary>
public enum SelectionMetric
{
    /// <summary>Mean absolute scaled error (the default: scale-free, defined for zeros).</summary>
    Mase,

    /// <summary>Symmetric MAPE.</summary>
    SMape,
}
