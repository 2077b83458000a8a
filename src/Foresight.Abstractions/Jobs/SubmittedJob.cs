using Foresight.Abstractions.Scheduling;

namespace Foresight.Abstractions.Jobs;

/// <summary>What <see cref="IJobGrain.SubmitAndPredict"/> answers: the job's record and, while its attempt waits in the
/// queue, its start prediction. Not marked immutable: the record is the job grain's live state, so each answer carries a copy.</summary>
[GenerateSerializer]
public sealed record SubmittedJob(
    [property: Id(0)] JobRecord Record,
    [property: Id(1)] StartPrediction? Prediction);
