using Archway.Image.Http;
using Archway.Image.Policy;

namespace Archway.Image.Images;

/// <summary>
/// Glance's ImageAPIPolicy for one caller and image: a refused rule is 404 when the caller may not even see the
/// image (so its existence does not leak) and 403 otherwise; changes also need the image's owner or an admin
/// (Glance's check_is_image_mutable and the database layer's same check).
/// </summary>
internal sealed class ImageAccess(ImagePolicy policy, Caller caller, GlanceImage image)
{
    public GlanceError? Enforce(ImageRule rule)
    {
        if (policy.Allows(rule, caller, image.Target))
        {
            return null;
        }
        if (rule == ImageRule.GetImage || !policy.Allows(ImageRule.GetImage, caller, image.Target))
        {
            return GlanceError.NotFound();
        }
        return GlanceError.Forbidden(ImagePolicy.Refusal(rule));
    }

    /// <summary>The rule, then the owner check.</summary>
    public GlanceError? EnforceMutation(ImageRule rule) => Enforce(rule) ?? CheckMutable();

    public GlanceError? CheckMutable() => IsMutable(caller, image.Owner) ? null : GlanceError.Forbidden("You do not own this image");

    /// <summary>update_property: a visibility change needs publicize_image or communitize_image first.</summary>
    public GlanceError? EnforceProperty(string name, string? value)
    {
        if (name == "visibility" && EnforceVisibility(policy, caller, image.Target, value) is { } refused)
        {
            return refused;
        }
        return EnforceMutation(ImageRule.ModifyImage);
    }

    public static GlanceError? EnforceVisibility(ImagePolicy policy, Caller caller, PolicyTarget target, string? visibility)
    {
        var rule = visibility switch
        {
            "public" => ImageRule.PublicizeImage,
            "community" => ImageRule.CommunitizeImage,
            _ => (ImageRule?)null,
        };
        return rule is { } r && !policy.Allows(r, caller, target) ? GlanceError.Forbidden(ImagePolicy.Refusal(r)) : null;
    }

    /// <summary>Admins change anything; everyone else only images their project owns.</summary>
    public static bool IsMutable(Caller caller, string? owner) =>
        caller.IsAdmin || (owner is not null && caller.ProjectId is not null && owner == caller.ProjectId);
}
