namespace Foresight.Autoscaling.Kubernetes;

/// <summary>
/// The stateful part of the HPA controller with <c>behavior</c> (<c>horizontal.go</c>): stabilization over recent
/// recommendations, then rate limits from the scale events of each policy period, then min/max.
/// </summary>
public sealed class HpaBehaviorController(HpaBehavior behavior)
{
    private readonly List<(int Replicas, DateTimeOffset At)> _recommendations = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleUpEvents = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleDownEvents = [];
    private bool _initialized;

    /// <summary>Stabilized and rate-limited replica count for a raw recommendation.</summary>
    public int Normalize(DateTimeOffset now, int current, int recommended, int minReplicas, int maxReplicas)
    {
        if (!_initialized)
        {
            _initialized = true;
            if (behavior.ScaleDown.StabilizationWindow > TimeSpan.Zero)
            {
                _recommendations.Add((current, now));
            }
        }

        var stabilized = Stabilize(now, current, recommended);
        return RateLimit(now, current, stabilized, minReplicas, maxReplicas);
    }

    /// <summary>Records that the target moved from <paramref name="from"/> to <paramref name="to"/> replicas at <paramref name="now"/>.</summary>
    public void RecordScale(DateTimeOffset now, int from, int to)
    {
        if (to > from)
        {
            _scaleUpEvents.Add((to - from, now));
        }
        else if (to < from)
        {
            _scaleDownEvents.Add((from - to, now));
        }

        var longest = behavior.ScaleUp.LongestPeriod > behavior.ScaleDown.LongestPeriod
            ? behavior.ScaleUp.LongestPeriod
            : behavior.ScaleDown.LongestPeriod;
        _scaleUpEvents.RemoveAll(e => e.At <= now - longest);
        _scaleDownEvents.RemoveAll(e => e.At <= now - longest);
    }

    private int Stabilize(DateTimeOffset now, int current, int recommended)
    {
        var upCutoff = now - behavior.ScaleUp.StabilizationWindow;
        var downCutoff = now - behavior.ScaleDown.StabilizationWindow;
        var up = recommended;
        var down = recommended;
        var oldIndex = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var rec = _recommendations[i];
            if (rec.At > upCutoff)
            {
                up = Math.Min(up, rec.Replicas);
            }

            if (rec.At > downCutoff)
            {
                down = Math.Max(down, rec.Replicas);
            }

            if (rec.At < upCutoff && rec.At < downCutoff)
            {
                oldIndex = i;
            }
        }

        var result = current;
        if (result < up)
        {
            result = up;
        }

        if (result > down)
        {
            result = down;
        }

        if (oldIndex >= 0)
        {
            _recommendations[oldIndex] = (recommended, now);
        }
        else
        {
            _recommendations.Add((recommended, now));
        }

        return result;
    }

    private int RateLimit(DateTimeOffset now, int current, int desired, int minReplicas, int maxReplicas)
    {
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(now, current), current);
            var allowed = Math.Min(maxReplicas, limit);
            return Math.Min(desired, allowed);
        }

        if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(now, current), current);
            var allowed = Math.Max(minReplicas, limit);
            return Math.Max(desired, allowed);
        }

        return desired;
    }

    private int ScaleUpLimit(DateTimeOffset now, int current)
    {
        var rules = behavior.ScaleUp;
        if (rules.Select == HpaSelectPolicy.Disabled)
        {
            return current;
        }

        var result = rules.Select == HpaSelectPolicy.Min ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var start = current - ChangeIn(_scaleUpEvents, now, policy.Period) + ChangeIn(_scaleDownEvents, now, policy.Period);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? start + policy.Value
                : (int)Math.Ceiling(start * (1 + (policy.Value / 100.0)));
            result = rules.Select == HpaSelectPolicy.Min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    private int ScaleDownLimit(DateTimeOffset now, int current)
    {
        var rules = behavior.ScaleDown;
        if (rules.Select == HpaSelectPolicy.Disabled)
        {
            return current;
        }

        var result = rules.Select == HpaSelectPolicy.Min ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var start = current - ChangeIn(_scaleUpEvents, now, policy.Period) + ChangeIn(_scaleDownEvents, now, policy.Period);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? start - policy.Value
                : (int)(start * (1 - (policy.Value / 100.0)));
            result = rules.Select == HpaSelectPolicy.Min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeIn(List<(int Change, DateTimeOffset At)> events, DateTimeOffset now, TimeSpan period)
    {
        var cutoff = now - period;
        var sum = 0;
        foreach (var e in events)
        {
            if (e.At > cutoff)
            {
                sum += e.Change;
            }
        }

        return sum;
    }
}
