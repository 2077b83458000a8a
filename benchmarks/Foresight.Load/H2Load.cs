using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Grpc.Forecast.V1;
using Google.Protobuf;

namespace Foresight.Load;

/// <summary>
/// <c>GetLoadForecast</c> calls made by nghttp2's <c>h2load</c> (Debian package <c>nghttp2-client</c>), a C load
/// generator in its own process: one HTTP/2 connection with a fixed number of streams in flight, each a gRPC unary
/// call (the request's length-prefixed message as the body, <c>content-type: application/grpc</c>, the bearer token).
/// It leaves more of the two shared cores to the server than the .NET client does. h2load sees HTTP statuses only,
/// and a gRPC error is still HTTP 200 with no message, so every call is checked by the bytes it received: the run
/// counts only when all calls succeeded and the response bodies add up to one full answer per call.
/// Latencies come from h2load's per-request log (microseconds until the end of each response).
/// </summary>
internal static partial class H2Load
{
    public const string Executable = "h2load";

    public static async Task<GrpcForecastBenchmark.Figures> MeasureAsync(
        int port, string? token, LoadForecastRequest request, LoadForecastResponse answer, int calls, int concurrency, int warmup)
    {
        var message = request.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var body = Path.GetTempFileName();
        var log = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(body, frame);
            var url = $"http://127.0.0.1:{port}/foresight.forecast.v1.ForecastService/GetLoadForecast";
            if (warmup > 0)
            {
                await RunAsync(url, token, body, null, warmup, concurrency, 5 + answer.CalculateSize());
            }

            using var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var rate = await RunAsync(url, token, body, log, calls, concurrency, 5 + answer.CalculateSize());
            var elapsed = clock.Elapsed.TotalSeconds;
            self.Refresh();
            var cpuPerCall = (self.TotalProcessorTime - cpuBefore).TotalMicroseconds / calls;
            var latencies = (await File.ReadAllLinesAsync(log))
                .Select(line => line.Split('\t'))
                .Where(columns => columns.Length >= 3)
                .Select(columns => double.Parse(columns[2], CultureInfo.InvariantCulture) / 1000.0)
                .ToList();
            if (latencies.Count != calls)
            {
                throw new InvalidOperationException($"h2load logged {latencies.Count} requests, expected {calls}");
            }

            // The wall clock includes starting h2load; its own figure of requests per second is over the calls only.
            return new GrpcForecastBenchmark.Figures(
                Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99), rate ?? calls / elapsed, cpuPerCall);
        }
        finally
        {
            File.Delete(body);
            File.Delete(log);
        }
    }

    /// <summary>Runs h2load and checks every call answered; returns its requests per second as it printed them.</summary>
    private static async Task<double?> RunAsync(string url, string? token, string body, string? log, int calls, int concurrency, int answerBytes)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-n", calls.ToString(CultureInfo.InvariantCulture), "-c", "1", "-t", "1",
                     "-m", concurrency.ToString(CultureInfo.InvariantCulture), "-d", body,
                     "-H", "content-type: application/grpc", "-H", "te: trailers",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (token is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"authorization: Bearer {token}");
        }

        if (log is not null)
        {
            start.ArgumentList.Add($"--log-file={log}");
        }

        start.ArgumentList.Add(url);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("h2load did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"--client h2load needs '{Executable}' on PATH (Debian: apt-get install nghttp2-client): {e.Message}", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"h2load exited with {process.ExitCode}: {await error}{text}");
            }

            var requests = RequestsLine().Match(text);
            if (!requests.Success || Count(requests, "succeeded") != calls)
            {
                throw new InvalidOperationException($"h2load: not every call succeeded:\n{text}");
            }

            // Every call must have received one whole answer (a gRPC error has no message); the cache's answers may
            // differ by a few bytes between refreshes (a changed number), so allow 1 %.
            var data = DataLine().Match(text);
            var bytes = data.Success ? long.Parse(data.Groups["bytes"].Value, CultureInfo.InvariantCulture) : -1;
            if (Math.Abs(bytes - ((long)answerBytes * calls)) > 0.01 * answerBytes * calls)
            {
                throw new InvalidOperationException(
                    $"h2load received {bytes} bytes of response bodies, expected about {answerBytes} per call × {calls}: some calls did not answer:\n{text}");
            }

            var rate = RateLine().Match(text);
            return rate.Success ? double.Parse(rate.Groups["rate"].Value, CultureInfo.InvariantCulture) : null;
        }
    }

    private static long Count(Match match, string name) =>
        long.Parse(Regex.Match(match.Value, $@"(\d+) {name}").Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"requests: .*")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"\((?<bytes>\d+)\) data")]
    private static partial Regex DataLine();

    [GeneratedRegex(@"finished in [^,]+, (?<rate>[\d.]+) req/s")]
    private static partial Regex RateLine();
}
