namespace Foresight.Simulation.Metrics;

/// <summary>
/// Integrates the supply and demand step curves as the run proceeds: worker-seconds, the BUNGEE/SPEC elasticity
/// integrals (under/over-provisioning accuracy and timeshare) and the unit changes the jitter metric counts. Several
/// updates at one instant count as one change.
/// </summary>
public sealed class ElasticityAccumulator
{
    private bool _started;
    private long _segmentStart;
    private int _supply;
    private int _demand;
    private int _previousSupply;
    private int _previousDemand;
    private long _firstTicks;
    private long _lastTicks;

    /// <summary>∫ supply dt, in worker-seconds.</summary>
    public double SupplySeconds { get; private set; }

    /// <summary>∫ (d − s)⁺ dt, worker-seconds.</summary>
    public double UnderSeconds { get; private set; }

    /// <summary>∫ (s − d)⁺ dt, worker-seconds.</summary>
    public double OverSeconds { get; private set; }

    /// <summary>Time with s &lt; d, seconds.</summary>
    public double UnderTime { get; private set; }

    /// <summary>Time with s &gt; d, seconds.</summary>
    public double OverTime { get; private set; }

    /// <summary>Σ|Δs| over the supply curve's changes.</summary>
    public long SupplyChanges { get; private set; }

    /// <summary>Σ|Δd| over the demand curve's changes.</summary>
    public long DemandChanges { get; private set; }

    /// <summary>Largest supply seen.</summary>
    public int PeakSupply { get; private set; }

    /// <summary>Length of the integrated period, seconds.</summary>
    public double DurationSeconds => (_lastTicks - _firstTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The curves have these values from <paramref name="ticks"/> on.</summary>
    public void Update(long ticks, int supply, int demand)
    {
        PeakSupply = Math.Max(PeakSupply, supply);
        if (!_started)
        {
            _started = true;
            _segmentStart = _firstTicks = _lastTicks = ticks;
            _supply = _previousSupply = supply;
            _demand = _previousDemand = demand;
            return;
        }

        if (ticks > _segmentStart)
        {
            Commit(ticks);
        }

        _supply = supply;
        _demand = demand;
    }

    /// <summary>Closes the last segment at <paramref name="ticks"/>.</summary>
    public void Finish(long ticks)
    {
        if (_started && ticks >= _segmentStart)
        {
            Commit(ticks);
        }
    }

    private void Commit(long ticks)
    {
        var dt = (ticks - _segmentStart) / (double)TimeSpan.TicksPerSecond;
        SupplySeconds += _supply * dt;
        var gap = _demand - _supply;
        if (gap > 0)
        {
            UnderSeconds += gap * dt;
            UnderTime += dt;
        }
        else if (gap < 0)
        {
            OverSeconds += -gap * dt;
            OverTime += dt;
        }

        SupplyChanges += Math.Abs(_supply - _previousSupply);
        DemandChanges += Math.Abs(_demand - _previousDemand);
        _previousSupply = _supply;
        _previousDemand = _demand;
        _segmentStart = ticks;
        _lastTicks = ticks;
    }
}
