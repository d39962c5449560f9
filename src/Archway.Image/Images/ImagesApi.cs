using System.Text.Json;
using Archway.Image.Http;
using Archway.Image.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Images;

/// <summary>/v2/images and /v2/images/{image_id}: create, list, show, update (JSON patch), delete.</summary>
internal static class ImagesApi
{
    /// <summary>Keys of a create body that are Glance's base properties; the rest are custom properties.</summary>
    private static readonly string[] BaseProperties =
    [
        "checksum", "created_at", "container_format", "disk_format", "id", "min_disk", "min_ram", "name", "size",
        "virtual_size", "status", "tags", "owner", "updated_at", "visibility", "protected", "os_hidden",
    ];

    private static readonly string[] DisallowedOnCreate = ["direct_url", "self", "file", "schema", "stores"];

    /// <summary>ImageFactory: base properties a create may not set.</summary>
    private static readonly string[] ReadOnlyOnCreate =
        ["created_at", "updated_at", "status", "checksum", "os_hash_algo", "os_hash_value", "size", "virtual_size"];

    /// <summary>ImageFactory: custom property names that are reserved.</summary>
    private static readonly string[] ReservedOnCreate = ["owner", "locations", "deleted", "deleted_at", "direct_url", "self", "file", "schema"];

    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/images", ListAsync);
        routes.MapPost("/v2/images", CreateAsync);
        routes.MapRejection("/v2/images", "GET, POST");
        routes.MapGet("/v2/images/{image_id}", ShowAsync);
        routes.MapPatch("/v2/images/{image_id}", UpdateAsync);
        routes.MapDelete("/v2/images/{image_id}", DeleteAsync);
        routes.MapRejection("/v2/images/{image_id}", "GET, PATCH, DELETE");
        routes.MapGet("/v2/images/{image_id}/tasks", TasksAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequest.ReadAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            // Glance's schema has no type at its root and fails later, with a 500; a 400 says what is wrong.
            return GlanceError.BadRequest($"Provided object does not match schema 'image': {Schemas.PythonRepr.Of(body)} is not of type 'object'");
        }
        foreach (var key in DisallowedOnCreate)
        {
            if (body.TryGetProperty(key, out _))
            {
                return GlanceError.Forbidden($"Attribute '{key}' is read-only.");
            }
        }
        if (ImageValidation.ValidateDocument(api.Schemas, body) is { } invalid)
        {
            return invalid;
        }
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(BaseProperties, property.Name) >= 0)
            {
                continue;
            }
            if (property.Name.Length > 255)
            {
                return GlanceError.BadRequest("Custom property should not be greater than 255 characters.");
            }
            if (Array.IndexOf(JsonPatch.ReservedProperties, property.Name) >= 0 || property.Name.StartsWith(JsonPatch.ReservedNamespace, StringComparison.Ordinal))
            {
                return GlanceError.Forbidden($"Attribute '{property.Name}' is reserved.");
            }
        }

        // The controller: owner defaults to the caller's project; add_image, then the visibility rules, then the
        // legacy rule that only admins create images for another project.
        var owner = body.TryGetProperty("owner", out var ownerElement)
            ? ownerElement.ValueKind == JsonValueKind.Null ? null : ownerElement.GetString()
            : caller.ProjectId;
        var visibility = body.TryGetProperty("visibility", out var visibilityElement) ? visibilityElement.GetString() : null;
        var target = new PolicyTarget(owner, owner, null, visibility ?? "private");
        if (!api.Policy.Allows(ImageRule.AddImage, caller, target))
        {
            return owner != caller.ProjectId
                ? GlanceError.Forbidden($"You are not permitted to create images owned by '{owner}'")
                : GlanceError.Forbidden(ImagePolicy.Refusal(ImageRule.AddImage));
        }
        if (ImageAccess.EnforceVisibility(api.Policy, caller, target, visibility) is { } refused)
        {
            return refused;
        }
        if (!caller.IsAdmin && owner != caller.ProjectId)
        {
            return GlanceError.Forbidden($"You are not permitted to create images owned by '{owner}'.");
        }

        var now = api.Now();
        var image = new GlanceImage
        {
            Record = new ImageRecord
            {
                Id = body.TryGetProperty("id", out var id) ? id.GetString()! : Guid.NewGuid().ToString(),
                Owner = string.IsNullOrEmpty(owner) ? null : owner,
                Status = ImageStatus.Queued,
                Visibility = "shared",
                CreatedAt = now,
                UpdatedAt = now,
            },
            Properties = [],
            Tags = [],
            Locations = [],
        };
        foreach (var property in body.EnumerateObject())
        {
            var name = property.Name;
            if (Array.IndexOf(ReadOnlyOnCreate, name) >= 0)
            {
                return GlanceError.Forbidden($"Attribute '{name}' is read-only.");
            }
            if (name is "id" or "owner")
            {
                continue;
            }
            if (ImageAttributes.IsAttribute(name))
            {
                if (ImageAttributes.Set(image, name, property.Value, creating: true) is { } error)
                {
                    return error;
                }
                continue;
            }
            if (Array.IndexOf(ReservedOnCreate, name) >= 0)
            {
                return GlanceError.Forbidden($"Attribute '{name}' is reserved.");
            }
            image.SetProperty(name, property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString());
        }
        if ((ImageAttributes.CheckTagQuota(api.Options, image.Tags.Count) ?? ImageAttributes.CheckPropertyQuota(api.Options, image)
            ?? ImageValidation.ValidateForDatabase(image)) is { } rejected)
        {
            return rejected;
        }

        await using (var db = api.Database.Open())
        {
            if (!await db.InsertAsync(image, cancellationToken))
            {
                return GlanceError.Conflict($"Image ID {image.Id} already exists!");
            }
        }
        Log.ImageCreated(logger, image.Id, image.Owner);
        var headers = new List<KeyValuePair<string, string>>
        {
            KeyValuePair.Create("Location", $"{GlanceUrls.HostUrl(request)}/v2/images/{image.Id}"),
        };
        if (api.Options.EnabledImportMethods.Count > 0)
        {
            headers.Add(KeyValuePair.Create("OpenStack-image-import-methods", string.Join(',', api.Options.EnabledImportMethods)));
        }
        return new JsonResponse(writer => api.Json.Write(writer, image, caller), StatusCodes.Status201Created) { Headers = headers };
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        var (query, parseError) = ImageListRequest.Parse(request.Query, api.Options);
        if (parseError is not null)
        {
            return parseError;
        }
        if (!api.Policy.Allows(ImageRule.GetImages, caller, PolicyTarget.ForProject(caller.ProjectId)))
        {
            return GlanceError.Forbidden(ImagePolicy.Refusal(ImageRule.GetImages));
        }
        List<GlanceImage> images;
        int fetched;
        if (api.ListSnapshot.TryList(query!, caller) is { } listed)
        {
            images = listed;
            fetched = listed.Count;
        }
        else
        {
            await using var db = api.Database.Open();
            var (records, queryError) = await ImageListQuery.RunAsync(db, query!, caller, cancellationToken);
            if (queryError is not null)
            {
                return queryError;
            }
            fetched = records!.Count;
            images = await db.WithDetailsAsync(records, caller, cancellationToken);
        }
        // Each image also passes get_image, as Glance checks it per image after the query.
        images.RemoveAll(image => !api.Policy.Allows(ImageRule.GetImage, caller, image.Target));
        var parameters = request.Query.Where(p => p.Key != "marker")
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")))
            .ToList();
        var first = parameters.Count == 0 ? "/v2/images" : "/v2/images?" + GlanceUrls.UrlEncode(parameters);
        string? next = null;
        if (images.Count > 0 && fetched == query!.Limit)
        {
            next = "/v2/images?" + GlanceUrls.UrlEncode([.. parameters, KeyValuePair.Create("marker", images[^1].Id)]);
        }
        return new JsonResponse(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images");
            foreach (var image in images)
            {
                api.Json.Write(writer, image, caller);
            }
            writer.WriteEndArray();
            writer.WriteString("first", first);
            writer.WriteString("schema", "/v2/schemas/images");
            if (next is not null)
            {
                writer.WriteString("next", next);
            }
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> ShowAsync(string image_id, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        var image = await FindAsync(api, image_id, caller, cancellationToken);
        if (image is null)
        {
            return NotFound(image_id);
        }
        if (new ImageAccess(api.Policy, caller, image).Enforce(ImageRule.GetImage) is { } refused)
        {
            return refused;
        }
        return new JsonResponse(writer => api.Json.Write(writer, image, caller));
    }

    private static async Task<IResult> UpdateAsync(string image_id, HttpRequest request, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        if (JsonPatch.DraftVersion(request.ContentType) is not { } draftVersion)
        {
            return JsonPatch.UnsupportedMediaType();
        }
        var (body, bodyError) = await JsonRequest.ReadAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }
        var (changes, patchError) = JsonPatch.Parse(body, draftVersion, api.Schemas);
        if (patchError is not null)
        {
            return patchError;
        }
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return NotFound(image_id);
        }
        var draft = image.Draft();
        var patcher = new ImagePatcher(api, caller, draft);
        foreach (var change in changes!)
        {
            if (await patcher.ApplyAsync(change, cancellationToken) is { } refused)
            {
                return refused;
            }
        }
        if (changes.Count > 0)
        {
            if (patcher.Check() is { } rejected)
            {
                return rejected;
            }
            if (!await patcher.SaveAsync(db, image, cancellationToken))
            {
                return NotFound(image_id);
            }
            Log.ImageUpdated(logger, image_id, changes.Count);
        }
        return new JsonResponse(writer => api.Json.Write(writer, draft, caller));
    }

    private static async Task<IResult> DeleteAsync(string image_id, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return NotFound(image_id);
        }
        if (new ImageAccess(api.Policy, caller, image).EnforceMutation(ImageRule.DeleteImage) is { } refused)
        {
            return refused;
        }
        if (image.Record.Protected)
        {
            return GlanceError.Forbidden($"Image {image_id} is protected and cannot be deleted.");
        }
        if (!ImageStatus.CanMove(image.Status, ImageStatus.Deleted))
        {
            return GlanceError.BadRequest(ImageStatus.TransitionRefused(image.Status, ImageStatus.Deleted));
        }
        // The data goes first, as Glance's location layer deletes it before the row is marked.
        foreach (var location in image.Locations)
        {
            await api.Stores.DeleteAsync(location.Value, CancellationToken.None);
        }
        if (!await db.MarkDeletedAsync(image_id, api.Now(), CancellationToken.None))
        {
            return GlanceError.NotFound($"Failed to find image {image_id} to delete");
        }
        Log.ImageDeleted(logger, image_id);
        return Results.NoContent();
    }

    /// <summary>GET /v2/images/{id}/tasks: the image's import tasks; Archway runs none, so the list is empty.</summary>
    private static async Task<IResult> TasksAsync(string image_id, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        var image = await FindAsync(api, image_id, caller, cancellationToken);
        if (image is null || new ImageAccess(api.Policy, caller, image).Enforce(ImageRule.GetImage) is not null)
        {
            return GlanceError.NotFound();
        }
        return new JsonResponse(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tasks");
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    public static async Task<GlanceImage?> FindAsync(ImageServices api, string imageId, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        return await db.FindVisibleAsync(imageId, caller, cancellationToken);
    }

    public static GlanceError NotFound(string imageId) => GlanceError.NotFound($"No image found with ID {imageId}");
}
