using Foresight.Persistence;

namespace Foresight.Server.Hosting;

/// <summary>
/// Before the silo starts (<see cref="IHostedLifecycleService.StartingAsync"/> runs ahead of every service's
/// start): applies the schema when asked, then checks the database can serve this build. A database that is
/// unreachable, refuses the login, or has no or an older schema stops the start with a message that names the
/// problem, rather than letting the Orleans providers fail later with something less clear.
/// </summary>
internal sealed partial class StorageStartupCheck(StorageStartupCheck.Settings settings, ILogger<StorageStartupCheck> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (settings.InitializeSchema)
            {
                var applied = await PostgresSchema.ApplyAsync(settings.ConnectionString, cancellationToken);
                LogApplied(logger, PostgresSchema.Describe(settings.ConnectionString), applied.VersionBefore, applied.VersionAfter);
            }

            var version = await PostgresSchema.VerifyAsync(settings.ConnectionString, cancellationToken);
            LogReady(logger, PostgresSchema.Describe(settings.ConnectionString), version);
        }
        catch (DatabaseNotReadyException e)
        {
            LogNotReady(logger, e.Message);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: {Database} schema version {Before} -> {After}")]
    private static partial void LogApplied(ILogger logger, string database, int before, int after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: {Database} ready, schema version {Version}")]
    private static partial void LogReady(ILogger logger, string database, int version);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Storage: cannot start: {Problem}")]
    private static partial void LogNotReady(ILogger logger, string problem);

    /// <summary>The connection string and whether to apply missing scripts first.</summary>
    internal sealed record Settings(string ConnectionString, bool InitializeSchema);
}
