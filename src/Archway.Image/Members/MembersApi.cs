using System.Text.Json;
using Archway.Image.Http;
using Archway.Image.Images;
using Archway.Image.Policy;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Members;

/// <summary>
/// /v2/images/{image_id}/members[/{member_id}]: sharing an image with other projects. Only shared images have
/// members; only the owner (or an admin) adds and removes them; only the member (or an admin) sets its status
/// (pending, accepted, rejected); each side sees only the memberships it is part of.
/// </summary>
internal static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/images/{image_id}/members", ListAsync);
        routes.MapPost("/v2/images/{image_id}/members", CreateAsync);
        routes.MapRejection("/v2/images/{image_id}/members", "GET, POST");
        routes.MapGet("/v2/images/{image_id}/members/{member_id}", ShowAsync);
        routes.MapPut("/v2/images/{image_id}/members/{member_id}", UpdateAsync);
        routes.MapDelete("/v2/images/{image_id}/members/{member_id}", DeleteAsync);
        routes.MapRejection("/v2/images/{image_id}/members/{member_id}", "GET, PUT, DELETE");
        return routes;
    }

    private static async Task<IResult> CreateAsync(string image_id, HttpRequest request, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequest.ReadAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return GlanceError.BadRequest("Expected a member in the form: {\"member\": \"image_id\"}");
        }
        if (!body.TryGetProperty("member", out var memberElement))
        {
            return GlanceError.BadRequest("Member to be added not specified");
        }
        var memberId = memberElement.ValueKind switch
        {
            JsonValueKind.String => memberElement.GetString(),
            JsonValueKind.Null or JsonValueKind.False => null,
            _ => memberElement.GetRawText(),
        };
        if (string.IsNullOrEmpty(memberId))
        {
            return GlanceError.BadRequest("Member can't be empty");
        }
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return ImageNotFound(image_id);
        }
        var notAllowed = GlanceError.Forbidden($"Not allowed to create members for image {image_id}.");
        if (image.Record.Visibility != "shared" || (!api.Policy.EnforceNewDefaults && !caller.IsAdmin && (image.Owner is null || image.Owner != caller.ProjectId)))
        {
            return notAllowed;
        }
        if (Enforce(api, caller, image, ImageRule.AddMember) is { } refused)
        {
            return refused;
        }
        var count = await db.GetTable<ImageMemberRecord>().CountAsync(m => m.ImageId == image_id, cancellationToken);
        if (api.Options.ImageMemberQuota >= 0 && count + 1 > api.Options.ImageMemberQuota)
        {
            return GlanceError.TooLarge($"Image member limit exceeded for image {image_id}: The limit has been exceeded on the number of allowed image members for this image. Attempted: {count + 1}, Maximum: {api.Options.ImageMemberQuota}:");
        }
        var now = api.Now();
        var member = new ImageMemberRecord { ImageId = image_id, Member = memberId, Status = ImageMemberRecord.Pending, CreatedAt = now, UpdatedAt = now };
        var duplicate = GlanceError.Conflict($"Member {memberId} is duplicated for image {image_id}");
        if (await db.GetTable<ImageMemberRecord>().AnyAsync(m => m.ImageId == image_id && m.Member == memberId, cancellationToken))
        {
            return duplicate;
        }
        try
        {
            member.Id = await db.InsertWithInt64IdentityAsync(member, token: cancellationToken);
        }
        catch (Exception e) when (Archway.Data.Database.DatabaseErrors.IsUniqueViolation(e))
        {
            return duplicate;
        }
        Log.MemberAdded(logger, image_id, memberId);
        return new JsonResponse(writer => Write(writer, member));
    }

    private static async Task<IResult> ListAsync(string image_id, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return ImageNotFound(image_id);
        }
        if (image.Record.Visibility != "shared")
        {
            return GlanceError.Forbidden($"Not allowed to list members for image {image_id}: Only shared images have members.");
        }
        if (Enforce(api, caller, image, ImageRule.GetMembers) is { } refused)
        {
            return refused;
        }
        var members = await Visible(db, caller, image).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        if (!api.Policy.Allows(ImageRule.GetMember, caller, image.Target))
        {
            members.Clear();
        }
        return new JsonResponse(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("members");
            foreach (var member in members)
            {
                Write(writer, member);
            }
            writer.WriteEndArray();
            writer.WriteString("schema", "/v2/schemas/members");
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> ShowAsync(string image_id, string member_id, Caller caller, ImageServices api, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return ImageNotFound(image_id);
        }
        // Glance turns every refusal here into 404, so that memberships do not leak.
        if (image.Record.Visibility != "shared")
        {
            return GlanceError.NotFound("Only shared images have members.");
        }
        if (Enforce(api, caller, image, ImageRule.GetMember) is not null)
        {
            return GlanceError.NotFound($"You are not authorized to lookup the members of the image {image_id}.");
        }
        var member = await Visible(db, caller, image).FirstOrDefaultAsync(m => m.Member == member_id, cancellationToken);
        return member is null ? MemberNotFound(image_id, member_id) : new JsonResponse(writer => Write(writer, member));
    }

    private static async Task<IResult> UpdateAsync(string image_id, string member_id, HttpRequest request, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequest.ReadAsync(request, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return GlanceError.BadRequest("Expected a status in the form: {\"status\": \"status\"}");
        }
        if (!body.TryGetProperty("status", out var statusElement))
        {
            return GlanceError.BadRequest("Status not specified");
        }
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return ImageNotFound(image_id);
        }
        // The owner shares; only the member answers.
        if (image.Record.Visibility != "shared" || (!api.Policy.EnforceNewDefaults && !caller.IsAdmin && caller.ProjectId == image.Owner))
        {
            return GlanceError.Forbidden($"Not allowed to update members for image {image_id}.");
        }
        if (Enforce(api, caller, image, ImageRule.GetMember) is { } hidden)
        {
            return hidden;
        }
        var member = await Visible(db, caller, image).FirstOrDefaultAsync(m => m.Member == member_id, cancellationToken);
        if (member is null)
        {
            return MemberNotFound(image_id, member_id);
        }
        if (Enforce(api, caller, image, ImageRule.ModifyMember) is { } refused)
        {
            return refused;
        }
        var status = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() : null;
        if (status is not (ImageMemberRecord.Pending or ImageMemberRecord.Accepted or ImageMemberRecord.Rejected))
        {
            return GlanceError.BadRequest("Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".");
        }
        member.Status = status;
        member.UpdatedAt = api.Now();
        await db.GetTable<ImageMemberRecord>().Where(m => m.Id == member.Id)
            .Set(m => m.Status, member.Status)
            .Set(m => m.UpdatedAt, member.UpdatedAt)
            .UpdateAsync(cancellationToken);
        Log.MemberStatusChanged(logger, image_id, member_id, status);
        return new JsonResponse(writer => Write(writer, member));
    }

    private static async Task<IResult> DeleteAsync(string image_id, string member_id, Caller caller, ImageServices api, ILogger<ImageServices> logger, CancellationToken cancellationToken)
    {
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, cancellationToken);
        if (image is null)
        {
            return ImageNotFound(image_id);
        }
        if (image.Record.Visibility != "shared" || (!api.Policy.EnforceNewDefaults && !caller.IsAdmin && caller.ProjectId != image.Owner))
        {
            return GlanceError.Forbidden($"Not allowed to delete members for image {image_id}.");
        }
        if (Enforce(api, caller, image, ImageRule.GetMember) is { } hidden)
        {
            return hidden;
        }
        var member = await Visible(db, caller, image).FirstOrDefaultAsync(m => m.Member == member_id, cancellationToken);
        if (member is null)
        {
            return MemberNotFound(image_id, member_id);
        }
        if (Enforce(api, caller, image, ImageRule.DeleteMember) is { } refused)
        {
            return refused;
        }
        await db.GetTable<ImageMemberRecord>().Where(m => m.Id == member.Id).DeleteAsync(cancellationToken);
        Log.MemberRemoved(logger, image_id, member_id);
        return Results.NoContent();
    }

    /// <summary>MemberAPIPolicy: get_image first (404 when refused), then the member rule (403).</summary>
    private static GlanceError? Enforce(ImageServices api, Caller caller, GlanceImage image, ImageRule rule)
    {
        if (new ImageAccess(api.Policy, caller, image).Enforce(ImageRule.GetImage) is { } hidden)
        {
            return hidden;
        }
        return api.Policy.Allows(rule, caller, image.Target) ? null : GlanceError.Forbidden(ImagePolicy.Refusal(rule));
    }

    /// <summary>The memberships a caller may see: all of them for admins and the owner, its own for a member.</summary>
    private static IQueryable<ImageMemberRecord> Visible(DataConnection db, Caller caller, GlanceImage image)
    {
        var members = db.GetTable<ImageMemberRecord>().Where(m => m.ImageId == image.Id);
        if (caller.IsAdmin || (caller.ProjectId is not null && caller.ProjectId == image.Owner))
        {
            return members;
        }
        var project = caller.ProjectId;
        return members.Where(m => m.Member == project);
    }

    private static void Write(Utf8JsonWriter writer, ImageMemberRecord member)
    {
        writer.WriteStartObject();
        writer.WriteString("member_id", member.Member);
        writer.WriteString("image_id", member.ImageId);
        writer.WriteString("status", member.Status);
        writer.WriteString("created_at", ImageJson.IsoTime(member.CreatedAt));
        writer.WriteString("updated_at", ImageJson.IsoTime(member.UpdatedAt ?? member.CreatedAt));
        writer.WriteString("schema", "/v2/schemas/member");
        writer.WriteEndObject();
    }

    private static GlanceError ImageNotFound(string imageId) => GlanceError.NotFound($"Image {imageId} not found.");

    private static GlanceError MemberNotFound(string imageId, string memberId) =>
        GlanceError.NotFound($"{memberId} not found in the member list of the image {imageId}.");
}
