using Foresight.Autoscaling.Decisions;
using Foresight.Forecasting.Durations;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Engine;

/// <summary>
/// Duration estimates and start-time predictions of a run: the estimator named by the scheduling settings learns
/// online from the jobs that finish in the replay (never from the trace ahead), as the cluster's would.
/// </summary>
internal sealed partial class SimulationRun
{
    private DurationEstimator? _estimator;
    private bool _oracle;
    private DurationHistory? _history;
    private StartTimeCalibration? _startCalibration;
    private long[]? _predictedStart;
    private long[]? _intervalFrom;
    private long[]? _intervalTo;
    private TimeSpan[]? _predictedP50;
    private readonly HashSet<int> _runningJobs = [];
    private int _startsPredicted;
    private double _startErrorSum;
    private int _startsWithInterval;
    private int _startsInside;

    private void SetUpPredictions(int jobs)
    {
        if (!_o.PredictStarts && !_scheduler.Policy.UsesPredictions)
        {
            return;
        }

        _history = new DurationHistory(_o.Estimation);
        _oracle = string.Equals(_o.Scheduling.Estimator?.Trim(), SimulationOptions.OracleEstimator, StringComparison.OrdinalIgnoreCase);
        _estimator = DurationEstimators.Create(_oracle ? DurationEstimators.Median : _o.Scheduling.Estimator!, _o.Estimation);
        _predictedP50 = new TimeSpan[jobs];
        if (_o.PredictStarts)
        {
            _startCalibration = new StartTimeCalibration();
            _predictedStart = new long[jobs];
            _intervalFrom = new long[jobs];
            _intervalTo = new long[jobs];
        }
    }

    /// <summary>The job's demand with its predicted p50 and p90 when this run estimates durations.</summary>
    private JobDemand WithPrediction(int j, JobDemand demand)
    {
        if (_estimator is null)
        {
            return demand;
        }

        if (_oracle)
        {
            _predictedP50![j] = _trace.Jobs[j].Duration;
            return demand with { PredictedDuration = _trace.Jobs[j].Duration, PredictedDurationP90 = _trace.Jobs[j].Duration };
        }

        var estimate = _estimator.Estimate(TraceProfiles.Features(_trace.Jobs[j], j, _queued + _running), _history!);
        _predictedP50![j] = estimate.P50;
        return demand with { PredictedDuration = estimate.P50, PredictedDurationP90 = estimate.P90 };
    }

    /// <summary>Replays the queue ahead of the job just enqueued on predicted durations (see <see cref="StartTimeForecast"/>).</summary>
    private void PredictStart(int j)
    {
        if (_startCalibration is null)
        {
            return;
        }

        var now = At(_now);
        var lanes = new List<DateTimeOffset>();
        var slots = _policy.Lifecycle == WorkerLifecycle.Ephemeral ? 1 : _o.Pool.JobSlotsPerWorker;
        var busy = 0;
        foreach (var r in _runningJobs)
        {
            if (_workers.TryGetValue(_workerOf[r]!, out var w) && !w.Draining)
            {
                lanes.Add(At(_start[r]) + _predictedP50![r]);
                busy++;
            }
        }

        var idleSlots = 0;
        foreach (var w in _workers.Values)
        {
            if (w.Draining)
            {
                continue;
            }

            if (w.Booting)
            {
                for (var s = 0; s < slots; s++)
                {
                    lanes.Add(At(w.CreatedTicks) + _o.BootDelay);
                }
            }
            else
            {
                idleSlots += slots;
            }
        }

        for (var s = busy; s < idleSlots; s++)
        {
            lanes.Add(now);
        }

        var id = j.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ahead = _scheduler.Queued
            .TakeWhile(d => d.JobId != id)
            .Select(d => d.PredictedDuration ?? _o.Scheduling.UnknownDuration);
        var predicted = StartTimeForecast.Predict(now, lanes, ahead) ?? now;
        _predictedStart![j] = predicted.UtcTicks;
        var interval = _startCalibration.Interval(now, predicted);
        _intervalFrom![j] = interval?.From.UtcTicks ?? -1;
        _intervalTo![j] = interval?.To.UtcTicks ?? -1;
    }

    private void Started(int j)
    {
        _runningJobs.Add(j);
        if (_startCalibration is null || _starts[j] != 1)
        {
            return;
        }

        var predicted = new DateTimeOffset(_predictedStart![j], TimeSpan.Zero);
        _startCalibration.Observe(At(_submit[j]), predicted, At(_now));
        _startsPredicted++;
        _startErrorSum += Math.Abs((At(_now) - predicted).TotalSeconds);
        if (_intervalFrom![j] >= 0)
        {
            _startsWithInterval++;
            _startsInside += _now >= _intervalFrom[j] && _now <= _intervalTo![j] ? 1 : 0;
        }
    }

    private void Finished(int j)
    {
        _runningJobs.Remove(j);
        if (_estimator is null)
        {
            return;
        }

        var features = TraceProfiles.Features(_trace.Jobs[j], j);
        var seconds = _trace.Jobs[j].Duration.TotalSeconds;
        _history!.Observe(features, seconds);
        _estimator.Learn(features, seconds);
    }

    private StartPredictionScore? StartScore() => _startCalibration is null
        ? null
        : new StartPredictionScore(
            _oracle ? SimulationOptions.OracleEstimator : _estimator!.Name,
            _startsPredicted,
            _startsPredicted == 0 ? 0 : _startErrorSum / _startsPredicted,
            _startsWithInterval,
            _startsWithInterval == 0 ? 0 : _startsInside / (double)_startsWithInterval,
            _startCalibration.Level);
}
