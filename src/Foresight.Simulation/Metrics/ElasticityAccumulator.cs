namespace Foresight.Simulation.Metrics;

/// <summary>
/// Integrates the supply, demand and paid-worker step curves as the run proceeds: paid worker-seconds, the BUNGEE/SPEC
/// elasticity integrals of ready supply against demand (under/over-provisioning accuracy and timeshare) and the unit changes the jitter metric counts. Several
/// updates at one instant count as one change.
/// </summary>
public sealed class ElasticityAccumulator
{
    private bool _started;
    private bool _committed;
    private long _segmentStart;
    private int _supply;
    private int _demand;
    private int _paid;
    private int _previousSupply;
    private int _previousDemand;
    private long _firstTicks;
    private long _lastTicks;

    /// <summary>∫ paid workers dt, in worker-seconds (booting, idle, busy and draining workers).</summary>
    public double PaidSeconds { get; private set; }

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

    /// <summary>Most workers paid for at once.</summary>
    public int PeakPaid { get; private set; }

    /// <summary>Length of the integrated period, seconds.</summary>
    public double DurationSeconds => (_lastTicks - _firstTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The curves have these values from <paramref name="ticks"/> on.</summary>
    public void Update(long ticks, int supply, int demand, int paid)
    {
        PeakPaid = Math.Max(PeakPaid, paid);
        if (!_started)
        {
            _started = true;
            _segmentStart = _firstTicks = _lastTicks = ticks;
            _supply = _previousSupply = supply;
            _demand = _previousDemand = demand;
            _paid = paid;
            return;
        }

        if (ticks > _segmentStart)
        {
            Commit(ticks);
        }

        _supply = supply;
        _demand = demand;
        _paid = paid;
        if (!_committed)
        {
            // Still the first instant: the curves start here, so this is their initial value, not a change.
            _previousSupply = supply;
            _previousDemand = demand;
        }
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
        PaidSeconds += _paid * dt;
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
        _committed = true;
    }
}
