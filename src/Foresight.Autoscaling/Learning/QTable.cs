using System.Globalization;

namespace Foresight.Autoscaling.Learning;

/// <summary>
/// The Q table of the <c>qlearning</c> policy. States: queue depth per worker (4 buckets) × utilization of the ready
/// workers (5) × forecast trend, forecast demand over current workers (6, one of them "no forecast"). Actions: hold,
/// or scale by ±1, 2, 5 or 10 % of the current workers (at least one worker).
/// </summary>
public sealed class QTable
{
    /// <summary>Percent change of each action, hold first.</summary>
    public static readonly int[] ActionPercents = [0, 1, -1, 2, -2, 5, -5, 10, -10];

    /// <summary>Number of states.</summary>
    public const int States = QueueBuckets * UtilizationBuckets * TrendBuckets;

    private const int QueueBuckets = 4;
    private const int UtilizationBuckets = 5;
    private const int TrendBuckets = 6;

    private readonly double[] _q = new double[States * ActionPercents.Length];
    private readonly int[] _visits = new int[States * ActionPercents.Length];

    /// <summary>Updates taken so far.</summary>
    public long Updates { get; private set; }

    /// <summary>State index for an observation's features.</summary>
    /// <param name="queuePerWorker">Queued jobs per current worker.</param>
    /// <param name="utilization">Busy share of the ready workers, 0..1.</param>
    /// <param name="trend">Forecast demand over current workers; null without a usable forecast.</param>
    public static int State(double queuePerWorker, double utilization, double? trend)
    {
        var q = queuePerWorker <= 0 ? 0 : queuePerWorker <= 0.02 ? 1 : queuePerWorker <= 0.1 ? 2 : 3;
        var u = utilization < 0.5 ? 0 : utilization < 0.7 ? 1 : utilization < 0.85 ? 2 : utilization < 0.95 ? 3 : 4;
        var t = trend is not { } r ? 0 : r < 0.8 ? 1 : r < 0.95 ? 2 : r < 1.05 ? 3 : r < 1.2 ? 4 : 5;
        return (((q * UtilizationBuckets) + u) * TrendBuckets) + t;
    }

    /// <summary>Q value of an action in a state.</summary>
    public double this[int state, int action] => _q[(state * ActionPercents.Length) + action];

    /// <summary>The action with the highest value (ties: the one tried most, then hold first).</summary>
    public int Best(int state)
    {
        var best = 0;
        for (var a = 1; a < ActionPercents.Length; a++)
        {
            var i = (state * ActionPercents.Length) + a;
            var j = (state * ActionPercents.Length) + best;
            if (_q[i] > _q[j] || (_q[i] == _q[j] && _visits[i] > _visits[j]))
            {
                best = a;
            }
        }

        return best;
    }

    /// <summary>Q(s, a) ← Q(s, a) + α·(r + γ·max Q(s', ·) − Q(s, a)).</summary>
    public void Update(int state, int action, double reward, int next, double learningRate, double discount)
    {
        var i = (state * ActionPercents.Length) + action;
        var target = reward + (discount * this[next, Best(next)]);
        _q[i] += learningRate * (target - _q[i]);
        _visits[i]++;
        Updates++;
    }

    /// <summary>States visited at least once.</summary>
    public int VisitedStates()
    {
        var n = 0;
        for (var s = 0; s < States; s++)
        {
            for (var a = 0; a < ActionPercents.Length; a++)
            {
                if (_visits[(s * ActionPercents.Length) + a] > 0)
                {
                    n++;
                    break;
                }
            }
        }

        return n;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Q table: {VisitedStates()}/{States} states visited, {Updates} updates");
}
