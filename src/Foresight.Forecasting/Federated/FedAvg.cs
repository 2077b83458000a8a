namespace Foresight.Forecasting.Federated;

/// <summary>
/// Federated averaging (McMahan et al., 2017): the merged value of every parameter is the mean of the participants'
/// values weighted by how many training samples each participant saw. Pure; the participants must agree on every
/// parameter's name and shape.
/// </summary>
public static class FedAvg
{
    /// <summary>
    /// Averages <paramref name="participants"/>' parameters weighted by their sample counts. Refused (an
    /// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the parameter concerned): a
    /// parameter missing from a participant or extra in one, a shape that differs, a non-finite value, a negative
    /// sample count; and no participant or no samples at all.
    /// </summary>
    public static ModelParameters Average(IReadOnlyList<(ModelParameters Parameters, long Samples)> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        if (participants.Count == 0)
        {
            throw new ArgumentException("FedAvg needs at least one participant.", nameof(participants));
        }

        long total = 0;
        for (var p = 0; p < participants.Count; p++)
        {
            ArgumentNullException.ThrowIfNull(participants[p].Parameters);
            if (participants[p].Samples < 0)
            {
                throw new ArgumentException($"Participant {p} has a negative sample count ({participants[p].Samples}).", "samples");
            }

            total += participants[p].Samples;
        }

        if (total == 0)
        {
            throw new ArgumentException("FedAvg needs at least one training sample among the participants.", "samples");
        }

        var first = participants[0].Parameters;
        for (var p = 1; p < participants.Count; p++)
        {
            foreach (var t in participants[p].Parameters.Tensors)
            {
                if (first.Find(t.Name) is null)
                {
                    throw new ArgumentException($"Parameter '{t.Name}' of participant {p} is not a parameter of participant 0.", t.Name);
                }
            }
        }

        var merged = new List<ParameterTensor>(first.Tensors.Count);
        foreach (var reference in first.Tensors)
        {
            var sum = new double[reference.Values.Length];
            for (var p = 0; p < participants.Count; p++)
            {
                var (parameters, samples) = participants[p];
                var t = parameters.Find(reference.Name)
                    ?? throw new ArgumentException($"Parameter '{reference.Name}' is missing from participant {p}.", reference.Name);
                if (!t.Shape.AsSpan().SequenceEqual(reference.Shape))
                {
                    throw new ArgumentException(
                        $"Parameter '{reference.Name}' has shape {t.ShapeText} in participant {p} but {reference.ShapeText} in participant 0.", reference.Name);
                }

                var weight = (double)samples / total;
                var values = t.Values;
                for (var i = 0; i < values.Length; i++)
                {
                    if (!float.IsFinite(values[i]))
                    {
                        throw new ArgumentException($"Parameter '{reference.Name}' of participant {p} has a non-finite value at index {i}.", reference.Name);
                    }

                    sum[i] += weight * values[i];
                }
            }

            merged.Add(new ParameterTensor(reference.Name, [.. reference.Shape], [.. sum.Select(v => (float)v)]));
        }

        return new ModelParameters(merged);
    }
}
