namespace Foresight.Autoscaling.Cost;

/// <summary>The two prices of <c>cost</c>: what a worker-hour costs and what a minute of a job waiting in the queue costs.</summary>
public sealed record CostOptions
{
    /// <summary>Price of one paid worker-hour (booting and idle time included).</summary>
    public double PriceWorkerHour { get; init; } = 1.0;

    /// <summary>Price of one minute a job waits in the queue.</summary>
    public double PriceWaitMinute { get; init; } = 0.02;

    /// <summary>Largest squared variation used for arrivals or run times (heavy tails would otherwise dominate).</summary>
    public double MaxVariation { get; init; } = 4;

    /// <summary>Checks the prices; a negative price is an error naming it.</summary>
    public void Validate()
    {
        if (!(PriceWorkerHour >= 0) || !double.IsFinite(PriceWorkerHour))
        {
            throw new ArgumentOutOfRangeException(nameof(PriceWorkerHour), PriceWorkerHour, "The price of a worker-hour must be a finite number ≥ 0 (--price-worker-hour).");
        }

        if (!(PriceWaitMinute >= 0) || !double.IsFinite(PriceWaitMinute))
        {
            throw new ArgumentOutOfRangeException(nameof(PriceWaitMinute), PriceWaitMinute, "The price of a waiting minute must be a finite number ≥ 0 (--price-wait-minute).");
        }

        if (!(MaxVariation >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVariation), MaxVariation, "The variation cap must be at least 1.");
        }
    }
}
