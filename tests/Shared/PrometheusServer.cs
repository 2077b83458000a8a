using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Foresight.Testing;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) for a test: its own configuration and TSDB in a temporary
/// folder, the HTTP API on a free loopback port, scraping the given targets every second under the job name
/// <c>foresight</c> (the name the alert rules select on). <see cref="Promtool"/> runs the package's promtool.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, Uri address, string folder)
    {
        _process = process;
        Address = address;
        Folder = folder;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public string Folder { get; }

    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The prometheus binary: Debian installs it on the PATH as /usr/bin/prometheus.</summary>
    public static string Binary => File.Exists("/usr/bin/prometheus") ? "/usr/bin/prometheus" : "prometheus";

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port) at <c>/metrics</c>, loading <paramref name="ruleFiles"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<string> targets, IReadOnlyList<string>? ruleFiles = null)
    {
        var folder = Directory.CreateTempSubdirectory("foresight-prometheus-").FullName;
        var config = new StringBuilder()
            .AppendLine("global:")
            .AppendLine("  scrape_interval: 1s")
            .AppendLine("  scrape_timeout: 1s")
            .AppendLine("  evaluation_interval: 1s");
        if (ruleFiles is { Count: > 0 })
        {
            config.AppendLine("rule_files:");
            foreach (var file in ruleFiles)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"  - {JsonSerializer.Serialize(file)}");
            }
        }

        config.AppendLine("scrape_configs:")
            .AppendLine("  - job_name: foresight")
            .AppendLine("    metrics_path: /metrics")
            .AppendLine("    static_configs:")
            .AppendLine(CultureInfo.InvariantCulture, $"      - targets: [{string.Join(", ", targets.Select(t => JsonSerializer.Serialize(t)))}]");
        var configFile = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString());

        var port = FreePorts.Next();
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[]
                 {
                     $"--config.file={configFile}", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     "--log.level=warn",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}"), folder);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>One instant query through <c>/api/v1/query</c>: whether Prometheus accepted it, its error, and the number of series (or 1 for a scalar).</summary>
    public async Task<QueryAnswer> QueryAsync(string promql)
    {
        using var content = new FormUrlEncodedContent([new("query", promql)]);
        using var response = await Http.PostAsync(new Uri("/api/v1/query", UriKind.Relative), content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success")
        {
            return new QueryAnswer(promql, false, body.TryGetProperty("error", out var error) ? error.GetString() : "no error text", 0);
        }

        var data = body.GetProperty("data");
        var result = data.GetProperty("result");
        var count = data.GetProperty("resultType").GetString() is "vector" or "matrix" ? result.GetArrayLength() : 1;
        return new QueryAnswer(promql, true, null, count);
    }

    /// <summary>The health of every loaded rule as <c>/api/v1/rules</c> reports it: name, health, last error.</summary>
    public async Task<IReadOnlyList<(string Name, string Health, string? Error)>> RulesAsync()
    {
        var body = await Http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/rules", UriKind.Relative));
        return
        [
            .. body.GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("rules").EnumerateArray())
                .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                    r.TryGetProperty("lastError", out var e) ? e.GetString() : null)),
        ];
    }

    /// <summary>Runs promtool with <paramref name="args"/> (and <paramref name="input"/> on its standard input): exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> Promtool(string? input, params string[] args)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await errors);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await ChildProcesses.KillAndDisposeAsync(_process);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var ready = await Http.GetAsync(new Uri("/-/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"prometheus not ready within {deadline}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}

/// <summary>What Prometheus answered to one query.</summary>
internal sealed record QueryAnswer(string Query, bool Parsed, string? Error, int Series);
