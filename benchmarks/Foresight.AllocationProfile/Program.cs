using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Sums the GC AllocationTick events of an EventPipe trace (dotnet-trace collect --providers
// Microsoft-Windows-DotNETRuntime:0x1:5) by allocated type, by allocating frame, by the innermost Foresight frame and
// type, and inclusively by Foresight frame. Each tick stands for the bytes allocated since the previous one (about
// 100 KB), so the sums are estimates of where the bytes went, not exact counts.
//
//   Foresight.AllocationProfile <trace.nettrace> [--top N] [--frame TEXT] [--type NAME]
//
// --frame keeps only the ticks whose stack has a frame containing TEXT; --type only those of one type.
if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: Foresight.AllocationProfile <trace.nettrace> [--top N] [--frame TEXT] [--type NAME]");
    return 2;
}

var path = args[0];
var top = 30;
string? frameFilter = null;
string? typeFilter = null;
try
{
    for (var i = 1; i < args.Length; i++)
    {
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value", args[i]);
        switch (args[i])
        {
            case "--top":
                top = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"--top must be a positive whole number, not '{value}'", "--top");
                break;
            case "--frame":
                frameFilter = value;
                break;
            case "--type":
                typeFilter = value;
                break;
            default:
                throw new ArgumentException($"unknown option '{args[i]}'", args[i]);
        }

        i++;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (!File.Exists(path))
{
    Console.Error.WriteLine($"trace: no file {path}");
    return 2;
}

using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(path));
var byType = new Dictionary<string, double>();
var byFrame = new Dictionary<string, double>();
var byOwnFrameAndType = new Dictionary<string, double>();
var inclusive = new Dictionary<string, double>();
double total = 0;
long ticks = 0;
foreach (var ev in log.Events)
{
    if (ev is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    var type = tick.TypeName ?? "?";
    if (typeFilter is not null && type != typeFilter)
    {
        continue;
    }

    var frames = new List<string>();
    for (var frame = ev.CallStack(); frame is not null && frames.Count < 80; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (!string.IsNullOrEmpty(method))
        {
            frames.Add(method);
        }
    }

    if (frameFilter is not null && !frames.Exists(f => f.Contains(frameFilter, StringComparison.Ordinal)))
    {
        continue;
    }

    ticks++;
    double bytes = tick.AllocationAmount64;
    total += bytes;
    Add(byType, type, bytes);
    Add(byFrame, frames.Count > 0 ? frames[0] : "?", bytes);
    var own = frames.Find(IsOurs);
    Add(byOwnFrameAndType, $"{(own is null ? "(runtime or Orleans only)" : MethodOf(own))}  <-  {type}", bytes);
    foreach (var frame in frames.Where(IsOurs).Select(MethodOf).Distinct())
    {
        Add(inclusive, frame, bytes);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ticks={ticks} sampled_mb={total / 1048576:F0}"));
Print("by type", byType, top);
Print("by allocating frame", byFrame, top);
Print("by innermost Foresight frame and type", byOwnFrameAndType, top);
Print("inclusive, by Foresight frame", inclusive, top);
return 0;

static bool IsOurs(string frame) => frame.StartsWith("Foresight", StringComparison.Ordinal) || frame.StartsWith("OrleansCodeGen.Foresight", StringComparison.Ordinal);

static string MethodOf(string frame) => frame.Split('(')[0];

static void Add(Dictionary<string, double> sums, string key, double bytes) => sums[key] = sums.GetValueOrDefault(key) + bytes;

void Print(string title, Dictionary<string, double> sums, int count)
{
    Console.WriteLine();
    Console.WriteLine($"== {title}");
    foreach (var (key, bytes) in sums.OrderByDescending(p => p.Value).Take(count))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100 * bytes / total,6:F2}%  {bytes / 1048576,8:F0} MB  {key}"));
    }
}
