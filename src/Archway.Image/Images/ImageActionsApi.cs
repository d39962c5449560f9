using Archway.Image.Http;
using Archway.Image.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Images;

/// <summary>POST /v2/images/{image_id}/actions/deactivate and /reactivate (active ⇄ deactivated).</summary>
internal static class ImageActionsApi
{
    public static IEndpointRouteBuilder MapImageActionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/images/{image_id}/actions/deactivate", (string image_id, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken) =>
            ChangeAsync(image_id, caller, api, logger, ImageRule.Deactivate, ImageStatus.Active, ImageStatus.Deactivated, "deactivate", cancellationToken));
        routes.MapPost("/v2/images/{image_id}/actions/reactivate", (string image_id, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken) =>
            ChangeAsync(image_id, caller, api, logger, ImageRule.Reactivate, ImageStatus.Deactivated, ImageStatus.Active, "reactivate", cancellationToken));
        routes.MapRejection("/v2/images/{image_id}/actions/deactivate", "POST");
        routes.MapRejection("/v2/images/{image_id}/actions/reactivate", "POST");
        return routes;
    }

    private static async Task<IResult> ChangeAsync(string imageId, Caller caller, ImageServices api, ILogger<ImageServices> logger, ImageRule rule,
        string from, string to, string verb, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(imageId, caller, cancellationToken);
        if (image is null)
        {
            return ImagesApi.NotFound(imageId);
        }
        if (new ImageAccess(api.Policy, caller, image).EnforceMutation(rule) is { } refused)
        {
            return refused;
        }
        // Already there is a no-op; from anywhere but the other state is refused.
        if (image.Status == to)
        {
            return Results.NoContent();
        }
        if (image.Status != from)
        {
            return GlanceError.Forbidden($"Not allowed to {verb} image in status '{image.Status}'");
        }
        var draft = image.Draft();
        draft.Record.Status = to;
        if (!await db.SaveAsync(image, draft, fromStatus: from, api.Now(), cancellationToken))
        {
            return GlanceError.Conflict($"cannot transition from {from} to {to} in update (wanted from_state={from})");
        }
        Log.ImageStatusChanged(logger, imageId, from, to);
        return Results.NoContent();
    }
}
