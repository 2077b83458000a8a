using System.Globalization;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Engine;

/// <summary>Recording the curves and assembling the result of a run.</summary>
internal sealed partial class SimulationRun
{
    private void Record()
    {
        var paid = _workers.Count;
        var supply = _ready;
        var demand = _demand.Workers;
        _elasticity.Update(_now, supply, demand, paid);
        if (!_o.RecordSeries)
        {
            return;
        }

        var point = new SeriesPoint(At(_now), supply, demand, paid);
        if (_series.Count > 0)
        {
            var last = _series[^1];
            if (last.Supply == point.Supply && last.Demand == point.Demand && last.Paid == point.Paid)
            {
                return;
            }

            if (last.At == point.At)
            {
                _series[^1] = point;
                return;
            }
        }

        _series.Add(point);
    }

    private SimulationResult Build(long start, long end)
    {
        var n = _trace.Jobs.Count;
        var outcomes = new JobOutcome[n];
        for (var j = 0; j < n; j++)
        {
            outcomes[j] = new JobOutcome(
                j,
                At(_submit[j]),
                _starts[j] > 0 ? At(_start[j]) : null,
                _completions[j] > 0 ? At(_end[j]) : null,
                _workerOf[j],
                _starts[j],
                _completions[j],
                _rejectReason[j],
                _failedBecause?[j]);
        }

        var metrics = MetricsCalculator.Compute(new MetricsInput(
            outcomes,
            _trace.Jobs,
            _elasticity,
            _o,
            _busyWorkerSeconds,
            _actions,
            At(start),
            At(end)));
        return new SimulationResult(
            _policy.Name,
            _trace.Name,
            metrics,
            outcomes,
            _o.RecordSeries ? _series : [],
            _rejected,
            _queued + _running,
            _aborted,
            _decisions,
            At(start),
            At(end))
        {
            StartPredictions = StartScore(),
        };
    }
}
