namespace Foresight.Server.Api;

/// <summary>problem+json answers: every refusal names the <c>field</c> at fault and the <c>reason</c>.</summary>
public static class Problems
{
    public static IResult BadRequest(string field, string reason) =>
        Of(StatusCodes.Status400BadRequest, "invalid request", field, reason);

    /// <summary>A refused job: 413 naming the limit when a count or size limit was passed, else 400.</summary>
    public static IResult InvalidJob(string field, string reason, bool overLimit) =>
        SubmissionProblem.InvalidJob(field, reason, overLimit).ToResult();

    /// <summary>A job or run names a pool that is not declared.</summary>
    public static IResult UndeclaredPool(string field, string pool) =>
        BadRequest(field, UndeclaredPoolReason(pool));

    public static string UndeclaredPoolReason(string pool) =>
        $"the pool '{pool}' is not declared: {Gateway.DeclaredPools.HowToDeclare}";

    public static IResult NotFound(string what, string id) =>
        Of(StatusCodes.Status404NotFound, $"{what} not found", "id", $"no {what} with id '{id}'");

    public static IResult Of(int status, string title, string field, string reason, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = field, ["reason"] = reason };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            all[key] = value;
        }

        return Results.Problem(statusCode: status, title: title, detail: $"{field}: {reason}", extensions: all);
    }
}

/// <summary>Why one job submission is refused, as data: the single submission answers it as problem+json, a batch
/// submission as that item's result.</summary>
public sealed record SubmissionProblem(int Status, string Title, string Field, string Reason)
{
    public static SubmissionProblem BadRequest(string field, string reason) =>
        new(StatusCodes.Status400BadRequest, "invalid request", field, reason);

    /// <summary>A refused job: 413 when a count or size limit was passed, else 400 (as <see cref="Problems.InvalidJob"/>).</summary>
    public static SubmissionProblem InvalidJob(string field, string reason, bool overLimit) =>
        overLimit ? new(StatusCodes.Status413PayloadTooLarge, "over a limit", field, reason) : BadRequest(field, reason);

    public IResult ToResult() => Problems.Of(Status, Title, Field, Reason);
}
