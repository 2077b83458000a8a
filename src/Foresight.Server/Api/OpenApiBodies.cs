using Microsoft.OpenApi;

namespace Foresight.Server.Api;

/// <summary>
/// Documents a request body the handler reads itself. Not <c>.Accepts&lt;T&gt;()</c>: that adds content-type
/// routing metadata, and a request with another type would then match no endpoint instead of getting the handler's
/// own 415 problem naming the accepted types.
/// </summary>
public static class OpenApiBodies
{
    public static TBuilder DocumentJsonBody<TBuilder, TBody>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellation);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    public static TBuilder DocumentTextBody<TBuilder>(this TBuilder builder, string description, params string[] mediaTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = mediaTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } }),
            };
            return Task.CompletedTask;
        });
}
