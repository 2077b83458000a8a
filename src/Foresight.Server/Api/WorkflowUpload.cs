using Foresight.Workflows.Definitions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Foresight.Server.Api;

/// <summary>
/// A workflow sent to <c>POST /api/workflows</c> with the reusable workflows it calls, as <c>multipart/form-data</c>:
/// the part <c>workflow</c> is the file to run, every other part is a called file named by the path the call reads,
/// <c>.github/workflows/x.yml</c> (same repository) or <c>owner/repo/.github/workflows/x.yml@ref</c> (another one).
/// At most <see cref="WorkflowParser.MaxCalledWorkflows"/> called files, each at most
/// <see cref="WorkflowParser.MaxChars"/> characters; the whole body is within the route's request limit.
/// </summary>
public static class WorkflowUpload
{
    /// <summary>The media type of a workflow sent with the files it calls.</summary>
    public const string MediaType = "multipart/form-data";

    /// <summary>The part that holds the workflow to run.</summary>
    public const string WorkflowPart = "workflow";

    /// <summary>The workflow's text and the called files by path, or a 400 naming the part at fault
    /// (<c>workflow</c>, or <c>files[&lt;name&gt;]</c>).</summary>
    public static async Task<(string? Workflow, IReadOnlyDictionary<string, string>? Files, IResult? Problem)> ReadAsync(string? contentType, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var boundary = MediaTypeHeaderValue.TryParse(contentType, out var media) ? HeaderUtilities.RemoveQuotes(media.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return Fail("Content-Type", "multipart/form-data needs a boundary parameter of 1-200 characters");
        }

        string? workflow = null;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false)) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    return Fail("body", "every part needs Content-Disposition: form-data with a name ('workflow', or the path of a called file)");
                }

                var field = name == WorkflowPart ? WorkflowPart : $"files[{name}]";
                if (name != WorkflowPart && !WorkflowParser.IsCalledWorkflowKey(name))
                {
                    return Fail(field, "is not a reusable workflow's path: name a part 'workflow' (the file to run), '.github/workflows/<file>.yml' or 'owner/repo/.github/workflows/<file>.yml@ref'");
                }

                if (name == WorkflowPart ? workflow is not null : files.ContainsKey(name))
                {
                    return Fail(field, "is sent twice");
                }

                if (name != WorkflowPart && files.Count >= WorkflowParser.MaxCalledWorkflows)
                {
                    return Fail("files", $"at most {WorkflowParser.MaxCalledWorkflows} called files (GitHub's limit on the reusable workflows one workflow calls)");
                }

                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer);
                var (text, notText) = RequestBody.DecodeUtf8(buffer.ToArray());
                if (notText is not null)
                {
                    return Fail(field, "is not valid UTF-8");
                }

                if (text!.Length > WorkflowParser.MaxChars)
                {
                    return Fail(field, $"must be at most {WorkflowParser.MaxChars} characters");
                }

                if (name == WorkflowPart)
                {
                    workflow = text;
                }
                else
                {
                    files[name] = text;
                }
            }
        }
        catch (InvalidDataException e)
        {
            return Fail("body", $"is not valid multipart/form-data: {e.Message}");
        }
        catch (IOException e)
        {
            return Fail("body", $"is not valid multipart/form-data: {e.Message}");
        }

        return workflow is null
            ? Fail(WorkflowPart, "is missing: send the workflow to run as the part named 'workflow'")
            : (workflow, files, null);
    }

    private static (string?, IReadOnlyDictionary<string, string>?, IResult?) Fail(string field, string reason) => (null, null, Problems.BadRequest(field, reason));
}
