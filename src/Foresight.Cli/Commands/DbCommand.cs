using System.CommandLine;
using Foresight.Persistence;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight db init|status</c>: applies Foresight's PostgreSQL schema, or tells which version a database has.</summary>
internal static class DbCommand
{
    private const string ConnectionVariable = "FORESIGHT_ConnectionStrings__Foresight";

    public static Command Create()
    {
        var db = new Command("db", "Foresight's PostgreSQL schema (deploy/sql/postgresql): apply it, or show a database's version.");
        db.Subcommands.Add(Init());
        db.Subcommands.Add(Status());
        return db;
    }

    private static Command Init() => Create(
        "init",
        "Apply the schema scripts the database lacks, in order, in one transaction (safe to run again: a current database is left as it is).",
        async (cs, cancellation) =>
        {
            var result = await PostgresSchema.ApplyAsync(cs, cancellation);
            return result.Applied.Count == 0
                ? $"{PostgresSchema.Describe(cs)}: schema version {result.VersionAfter}, already current"
                : $"{PostgresSchema.Describe(cs)}: schema version {result.VersionBefore} -> {result.VersionAfter} (applied {string.Join(", ", result.Applied)})";
        });

    private static Command Status() => Create(
        "status",
        "Print the database's schema version and whether this build can use it (exit code 1 when not).",
        async (cs, cancellation) =>
        {
            var version = await PostgresSchema.VerifyAsync(cs, cancellation);
            return $"{PostgresSchema.Describe(cs)}: schema version {version} (this build needs {PostgresSchema.LatestVersion})";
        });

    /// <summary>A subcommand taking <c>--connection</c> that prints what <paramref name="run"/> says; exit 1 when the database is not ready, 2 on bad input.</summary>
    private static Command Create(string name, string description, Func<string, CancellationToken, Task<string>> run)
    {
        var connection = new Option<string?>("--connection") { Description = $"Npgsql connection string (default: the {ConnectionVariable} environment variable)" };
        var command = new Command(name, description);
        command.Options.Add(connection);
        command.SetAction(async (parse, cancellation) =>
        {
            if (Resolve(parse.GetValue(connection)) is not { } cs)
            {
                return 2;
            }

            try
            {
                Console.WriteLine(await run(cs, cancellation));
                return 0;
            }
            catch (DatabaseNotReadyException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static string? Resolve(string? given)
    {
        var cs = string.IsNullOrWhiteSpace(given) ? Environment.GetEnvironmentVariable(ConnectionVariable) : given;
        if (string.IsNullOrWhiteSpace(cs))
        {
            Console.Error.WriteLine($"--connection: required (or set {ConnectionVariable}), e.g. \"Host=127.0.0.1;Port=5432;Database=foresight;Username=foresight;Password=…\"");
            return null;
        }

        return cs;
    }
}
