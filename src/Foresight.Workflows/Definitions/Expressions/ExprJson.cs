using System.Text.Json;
using System.Text.Json.Nodes;

namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>JSON to and from expression values: <c>toJSON</c> (indented with two spaces, as GitHub prints it),
/// <c>fromJSON</c>, and the contexts the server hands to an agent.</summary>
internal static class ExprJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(ExprValue value, bool indented) =>
        ToNode(value)?.ToJsonString(indented ? Indented : Compact) ?? "null";

    /// <summary>Parses JSON; text that is not JSON is an <see cref="ExpressionFailure"/>, as GitHub fails the expression.</summary>
    public static ExprValue Read(string json)
    {
        try
        {
            return FromNode(JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }));
        }
        catch (JsonException e)
        {
            throw new ExpressionFailure($"fromJSON: the value is not JSON ({e.Message}): {(json.Length > 80 ? json[..80] + "…" : json)}");
        }
    }

    public static JsonNode? ToNode(ExprValue value) => value.Kind switch
    {
        ExprKind.Null => null,
        ExprKind.Boolean => JsonValue.Create(value.Bool),
        ExprKind.Number => JsonValue.Create(value.Number),
        ExprKind.String => JsonValue.Create(value.Text),
        ExprKind.Array => new JsonArray([.. value.Items.Select(ToNode)]),
        _ => ToObject(value),
    };

    public static ExprValue FromNode(JsonNode? node) => node switch
    {
        null => ExprValue.Null,
        JsonObject o => ExprValue.Object([.. o.Select(p => new KeyValuePair<string, ExprValue>(p.Key, FromNode(p.Value)))]),
        JsonArray a => ExprValue.Array([.. a.Select(FromNode)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ExprValue.String(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => ExprValue.True,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => ExprValue.False,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => ExprValue.Num(v.GetValue<double>()),
        _ => ExprValue.Null,
    };

    private static JsonObject ToObject(ExprValue value)
    {
        var o = new JsonObject();
        foreach (var (key, item) in value.Properties)
        {
            o[key] = ToNode(item);
        }

        return o;
    }
}

/// <summary>An expression that fails when evaluated (<c>fromJSON</c> of text that is not JSON): the step fails with the message.</summary>
internal sealed class ExpressionFailure(string message) : Exception(message);
