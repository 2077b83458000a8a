using System.CommandLine;
using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Client;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight models list|show|promote|rollback|shadow</c>: each pool's arrival model versions with their stage
/// (candidate, shadow, ab, champion, retired), share of decisions, backtest and live figures; promote a version, roll
/// back (to a version, or undo the last change), or train a candidate into shadow.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Arrival models per pool: versions, stages, backtest and live accuracy; promote, roll back, shadow.")
        {
            List(), Show(), Promote(), Rollback(), Shadow(),
        };
        return command;
    }

    private static Command List()
    {
        var pool = new Argument<string?>("pool") { Description = "Only this pool", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "One line per pool: champion and candidate with their backtest and live figures.") { pool };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var only = parse.GetValue(pool);
            var names = only is not null ? [only] : (await client.GetPoolsAsync(ct)).Select(p => p.Name).ToList();
            var table = CliConsole.Table("pool", "champion", "backtest MASE", "live MAE", "live MASE", "live hit", "candidate", "stage", "share %", "versions");
            foreach (var name in names)
            {
                var models = await client.GetModelsAsync(name, ct);
                var champion = models.Versions.FirstOrDefault(v => v.Version == models.Promoted);
                var candidate = models.Versions.FirstOrDefault(v => v.Version == models.Candidate);
                table.AddRow(
                    Markup.Escape(name), Markup.Escape(Label(champion)), Num(champion?.Mase), Num(champion?.Live?.Overall.Mae),
                    Num(champion?.Live?.Overall.Mase), Num(champion?.Live?.Overall.HitRate), Markup.Escape(Label(candidate)),
                    candidate?.Stage ?? "-", candidate is null ? "-" : Int(candidate.SharePercent), Int(models.Versions.Count));
            }

            CliConsole.Out.Write(table);
            CliConsole.Out.WriteLine($"pools={names.Count}");
            return ClientCommands.Succeeded;
        }));
        return command;
    }

    private static Command Show()
    {
        var pool = new Argument<string>("pool") { Description = "The pool" };
        var events = new Option<int>("--events") { Description = "Drift and rollout steps shown (newest first)", DefaultValueFactory = _ => 10 };
        var command = new Command("show", "Every version of a pool's model: stage, share, backtest and live figures per horizon; the rollout; drift and rollout steps.") { pool, events };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
        {
            var models = await client.GetModelsAsync(parse.GetValue(pool)!, ct);
            var console = CliConsole.Out;
            var table = CliConsole.Table("version", "forecaster", "stage", "share %", "trained", "backtest MASE", "coverage", "live n", "live MAE", "live MASE", "live hit", "by horizon (h: MAE)");
            foreach (var v in models.Versions)
            {
                var horizons = v.Live is null ? "-" : string.Join(" ", v.Live.Horizons.Take(6).Select(h => Inv($"{h.Horizon}: {Num(h.Mae)}")));
                table.AddRow(
                    Int(v.Version), Markup.Escape(v.Forecaster), v.Stage ?? v.Status, Int(v.SharePercent), v.TrainedAt.ToString("u", CultureInfo.InvariantCulture),
                    Num(v.Mase), Num(v.Coverage), Int(v.Live?.Overall.Count ?? 0), Num(v.Live?.Overall.Mae), Num(v.Live?.Overall.Mase),
                    Num(v.Live?.Overall.HitRate), Markup.Escape(horizons));
            }

            console.Write(table);
            console.WriteLine(Inv($"key={models.Key} champion={(models.Promoted is { } p ? Int(p) : "none")} candidate={(models.Candidate is { } c ? Int(c) : "none")} versions={models.Versions.Count}"));
            if (models.Rollout is { } rollout)
            {
                console.WriteLine($"rollout: {rollout}");
            }

            var steps = CliConsole.Table("at", "kind", "version", "note");
            foreach (var e in (models.Events ?? []).Take(Math.Max(0, parse.GetValue(events))))
            {
                steps.AddRow(e.At.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(e.Kind), Int(e.Version), Markup.Escape(e.Note));
            }

            console.Write(steps);
            return ClientCommands.Succeeded;
        }));
        return command;
    }

    private static Command Promote()
    {
        var pool = new Argument<string>("pool") { Description = "The pool" };
        var version = new Argument<int>("version") { Description = "The version to make the champion now" };
        var command = new Command("promote", "Make a version the champion now, skipping its rollout (admin).") { pool, version };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
            Written(await client.PromoteModelAsync(parse.GetValue(pool)!, parse.GetValue(version), ct), "champion")));
        return command;
    }

    private static Command Rollback()
    {
        var pool = new Argument<string>("pool") { Description = "The pool" };
        var version = new Argument<int?>("version") { Description = "The version to promote again (default: undo the last change)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rollback", "Retire the candidate under test, else promote the previous champion again; or promote the given version again (admin).") { pool, version };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
            Written(await client.RollbackModelAsync(parse.GetValue(pool)!, parse.GetValue(version), ct), "champion")));
        return command;
    }

    private static Command Shadow()
    {
        var pool = new Argument<string>("pool") { Description = "The pool" };
        var forecaster = new Option<string?>("--forecaster") { Description = "The candidate's forecaster (default: the server's configured one)" };
        var command = new Command("shadow", "Train a candidate and start it in shadow: scored live beside the champion, never acted on until its rollout moves it on (admin).") { pool, forecaster };
        command.SetAction((parse, cancellation) => ClientCommands.RunAsync(parse, cancellation, async (client, ct) =>
            Written(await client.ShadowModelAsync(parse.GetValue(pool)!, parse.GetValue(forecaster), ct), "candidate")));
        return command;
    }

    private static int Written(ModelVersionView v, string role)
    {
        CliConsole.Out.WriteLine(Inv($"{role}=v{v.Version} forecaster={v.Forecaster} stage={v.Stage ?? v.Status} share={v.SharePercent} backtest_mase={Num(v.Mase)} note={v.Note}"));
        return ClientCommands.Succeeded;
    }

    private static string Label(ModelVersionView? v) => v is null ? "-" : $"v{Int(v.Version)} ({v.Forecaster})";

    private static string Num(double? value) => value is { } v && double.IsFinite(v) && v < double.MaxValue ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
