using System.Globalization;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Foresight.Load;

/// <summary>The server app (silo + HTTP gateway) built in this process on loopback ports, with one token whose rate limit is out of the way.</summary>
internal static class InProcessServer
{
    /// <summary>
    /// Builds (not starts) the server with <paramref name="token"/> holding <paramref name="scope"/> and a fresh
    /// <paramref name="dataDirectory"/> (the caller deletes it); <paramref name="extraArgs"/> are more switches.
    /// </summary>
    public static WebApplication Build(string token, string scope, out string dataDirectory, params string[] extraArgs)
    {
        dataDirectory = Path.Combine(Path.GetTempPath(), $"foresight-bench-{Guid.NewGuid():n}");
        var builder = ForesightServer.CreateBuilder(
            [.. new[] { "--urls", "http://127.0.0.1:0", "--silo-port", Port(), "--local-workers", "0" }, .. extraArgs]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:DataDirectory"] = dataDirectory,
            ["Foresight:Logs:Directory"] = Path.Combine(dataDirectory, "logs"),
            ["Foresight:Gateway:Tokens:bench:Sha256"] = TokenRegistry.HashHex(token),
            ["Foresight:Gateway:Tokens:bench:Scopes"] = scope,
            // One token drives all the load: its bucket must not be what is measured.
            ["Foresight:Gateway:RateLimit:Burst"] = "100000000",
            ["Foresight:Gateway:RateLimit:PermitsPerPeriod"] = "100000000",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return ForesightServer.Build(builder);
    }

    private static string Port() => Foresight.Testing.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
}
