using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Foresight.Server.Api;

/// <summary>Declares the bearer token in the OpenAPI document (<c>/openapi/v1.json</c>) so generated clients send it.</summary>
public sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public const string SchemeName = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info.Title = "Foresight API";
        document.Info.Description = "Jobs, workflow runs, logs, pools and workers. Send 'Authorization: Bearer <token>'; scopes: read (GET), submit (POST), admin (all). See docs/api.md.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token from Foresight:Gateway:Tokens (or the generated <data dir>/admin-token).",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
