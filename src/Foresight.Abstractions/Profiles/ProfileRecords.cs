namespace Foresight.Abstractions.Profiles;

/// <summary>One finished run as a profile stores it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProfileRunRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double DurationSeconds,
    [property: Id(2)] double? PeakMemoryMb = null,
    [property: Id(3)] double? CpuSeconds = null);

/// <summary>The persisted state of a ProfileGrain.</summary>
[GenerateSerializer]
public sealed class ProfileState
{
    [Id(0)] public long Count { get; set; }
    [Id(1)] public double MeanSeconds { get; set; }
    [Id(2)] public double EwmaSeconds { get; set; }
    [Id(3)] public DateTimeOffset? LastRunAt { get; set; }
    [Id(4)] public List<ProfileRunRecord> Runs { get; set; } = [];
    [Id(5)] public Dictionary<string, long> Ignored { get; set; } = [];
}

/// <summary>The persisted state of a ProfileIndexGrain.</summary>
[GenerateSerializer]
public sealed class ProfileIndexState
{
    [Id(0)] public HashSet<string> Keys { get; set; } = [];
    [Id(1)] public long Unlisted { get; set; }
}

/// <summary>
/// A profile as the API shows and <c>foresight profiles export</c> writes it. On import only <see cref="Key"/>,
/// <see cref="Count"/>, <see cref="MeanSeconds"/>, <see cref="EwmaSeconds"/>, <see cref="LastRunAt"/>,
/// <see cref="Runs"/> and <see cref="Ignored"/> are read; the quantiles are computed again from the runs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProfileView(
    [property: Id(0)] string Key,
    [property: Id(1)] long Count,
    [property: Id(2)] double MeanSeconds,
    [property: Id(3)] double EwmaSeconds,
    [property: Id(4)] DateTimeOffset? LastRunAt,
    [property: Id(5)] IReadOnlyList<ProfileRunRecord> Runs,
    [property: Id(6)] IReadOnlyDictionary<string, long>? Ignored = null,
    [property: Id(7)] double? P50Seconds = null,
    [property: Id(8)] double? P90Seconds = null,
    [property: Id(9)] double? P95Seconds = null,
    [property: Id(10)] double? PeakMemoryMbP90 = null,
    [property: Id(11)] double? CpuSecondsP90 = null,
    [property: Id(12)] double? CpuCoresP90 = null,
    [property: Id(13)] bool Stale = false,
    [property: Id(14)] string? Pool = null);

/// <summary>Resources estimated for a job that declares none: from the p90 of its profile's runs.</summary>
[GenerateSerializer, Immutable]
public sealed record ResourceEstimateView(
    [property: Id(0)] double? Cpu,
    [property: Id(1)] long? MemoryMb,
    [property: Id(2)] string Source);

/// <summary>The JSON file of <c>foresight profiles export</c> and <c>import</c>.</summary>
public sealed record ProfileDocument(string? Schema, string? Pool, DateTimeOffset? ExportedAt, IReadOnlyList<ProfileView>? Profiles)
{
    /// <summary>The only schema this version reads and writes.</summary>
    public const string CurrentSchema = "foresight.profiles/v1";
}

/// <summary>The answer of <c>POST /api/profiles/import</c>: the pool and how many profiles were replaced.</summary>
public sealed record ProfileImportResult(string Pool, int Imported);
