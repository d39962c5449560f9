using System.Text.Json;
using Archway.Image.Http;
using Archway.Image.Images;
using Archway.Image.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Image.Tags;

/// <summary>PUT and DELETE /v2/images/{image_id}/tags/{tag_value}: add or remove one tag (modify_image).</summary>
internal static class TagsApi
{
    public static IEndpointRouteBuilder MapTagsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/v2/images/{image_id}/tags/{tag_value}", AddAsync);
        routes.MapDelete("/v2/images/{image_id}/tags/{tag_value}", RemoveAsync);
        routes.MapRejection("/v2/images/{image_id}/tags/{tag_value}", "PUT, DELETE");
        return routes;
    }

    private static async Task<IResult> AddAsync(string image_id, string tag_value, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        // The tag must fit the image schema's tags items (a string of at most 255 characters).
        using (var tag = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(tag_value, TagJson.Default.String)))
        {
            if (ImageValidation.ValidateProperty(api.Schemas, "tags", tag.RootElement, asArrayItem: true) is { } invalid)
            {
                return invalid;
            }
        }
        return await ChangeAsync(image_id, caller, api, draft =>
        {
            if (!draft.Tags.Contains(tag_value))
            {
                draft.Tags.Add(tag_value);
            }
            return ImageAttributes.CheckTagQuota(api.Options, draft.Tags.Count) is { } tooMany
                ? GlanceError.TooLarge($"Image tag limit exceeded for image {image_id}: {tooMany.Explanation}:")
                : ImageValidation.ValidateForDatabase(draft);
        }, "update", cancellationToken);
    }

    private static Task<IResult> RemoveAsync(string image_id, string tag_value, Caller caller, ImageServices api, CancellationToken cancellationToken) =>
        ChangeAsync(image_id, caller, api, draft => draft.Tags.Remove(tag_value) ? null : GlanceError.NotFound(), "delete", cancellationToken);

    private static async Task<IResult> ChangeAsync(string imageId, Caller caller, ImageServices api, Func<GlanceImage, GlanceError?> change, string verb, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(imageId, caller, cancellationToken);
        if (image is null)
        {
            return GlanceError.NotFound($"Image {imageId} not found.");
        }
        var access = new ImageAccess(api.Policy, caller, image);
        if (access.Enforce(ImageRule.ModifyImage) is { } refused)
        {
            return refused;
        }
        if (access.CheckMutable() is not null)
        {
            return GlanceError.Forbidden($"Not allowed to {verb} tags for image {imageId}.");
        }
        var draft = image.Draft();
        if (change(draft) is { } error)
        {
            return error;
        }
        if (!await db.SaveAsync(image, draft, fromStatus: null, api.Now(), cancellationToken))
        {
            return GlanceError.NotFound($"Image {imageId} not found.");
        }
        return Results.NoContent();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TagJson : System.Text.Json.Serialization.JsonSerializerContext;
