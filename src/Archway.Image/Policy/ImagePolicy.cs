using Archway.Image.Config;
using Archway.Image.Http;

namespace Archway.Image.Policy;

/// <summary>The policy rules Glance Zed registers (glance/policies/image.py, discovery.py, base.py), by name.</summary>
internal enum ImageRule
{
    AddImage,
    GetImage,
    GetImages,
    ModifyImage,
    PublicizeImage,
    CommunitizeImage,
    DeleteImage,
    DownloadImage,
    UploadImage,
    DeleteImageLocation,
    GetImageLocation,
    SetImageLocation,
    AddMember,
    DeleteMember,
    GetMember,
    GetMembers,
    ModifyMember,
    Deactivate,
    Reactivate,
    StoresInfoDetail,
    ContextIsAdmin,
}

/// <summary>
/// What a rule is checked against: Glance's ImageTarget, where project_id is the image's owner and member_id the
/// caller's project when it sees a shared image it does not own (as a member).
/// </summary>
internal sealed record PolicyTarget(string? ProjectId, string? Owner, string? MemberId, string? Visibility)
{
    /// <summary>The target of a check that concerns no particular image (get_images, stores_info_detail).</summary>
    public static PolicyTarget ForProject(string? projectId) => new(projectId, projectId, null, null);
}

/// <summary>
/// Glance's default policies. Each rule has the persona check string of glance/policies (admin, member, reader,
/// project and membership); all but publicize_image and the admin-only rules also carry the deprecated default
/// "rule:default" (anyone). With [oslo_policy] enforce_new_defaults = false, Zed's default, oslo.policy accepts
/// either, so those rules let everyone through and Glance's owner checks in code decide; with it true only the
/// persona rules count.
/// </summary>
internal sealed class ImagePolicy(GlanceOptions options)
{
    private static readonly Dictionary<ImageRule, string> Names = new()
    {
        [ImageRule.AddImage] = "add_image",
        [ImageRule.GetImage] = "get_image",
        [ImageRule.GetImages] = "get_images",
        [ImageRule.ModifyImage] = "modify_image",
        [ImageRule.PublicizeImage] = "publicize_image",
        [ImageRule.CommunitizeImage] = "communitize_image",
        [ImageRule.DeleteImage] = "delete_image",
        [ImageRule.DownloadImage] = "download_image",
        [ImageRule.UploadImage] = "upload_image",
        [ImageRule.DeleteImageLocation] = "delete_image_location",
        [ImageRule.GetImageLocation] = "get_image_location",
        [ImageRule.SetImageLocation] = "set_image_location",
        [ImageRule.AddMember] = "add_member",
        [ImageRule.DeleteMember] = "delete_member",
        [ImageRule.GetMember] = "get_member",
        [ImageRule.GetMembers] = "get_members",
        [ImageRule.ModifyMember] = "modify_member",
        [ImageRule.Deactivate] = "deactivate",
        [ImageRule.Reactivate] = "reactivate",
        [ImageRule.StoresInfoDetail] = "stores_info_detail",
        [ImageRule.ContextIsAdmin] = "context_is_admin",
    };

    public bool EnforceNewDefaults => options.EnforceNewDefaults;

    /// <summary>Glance's rule name, for "You are not authorized to complete {name} action."</summary>
    public static string Name(ImageRule rule) => Names[rule];

    public static string Refusal(ImageRule rule) => $"You are not authorized to complete {Name(rule)} action.";

    public bool Allows(ImageRule rule, Caller caller, PolicyTarget target) =>
        PersonaCheck(rule, caller, target) || (!options.EnforceNewDefaults && HasDeprecatedDefault(rule));

    /// <summary>Rules whose deprecated default is "rule:default" (an empty check: anyone).</summary>
    public static bool HasDeprecatedDefault(ImageRule rule) =>
        rule is not (ImageRule.PublicizeImage or ImageRule.StoresInfoDetail or ImageRule.ContextIsAdmin);

    /// <summary>The check strings of glance/policies/base.py and image.py.</summary>
    public static bool PersonaCheck(ImageRule rule, Caller caller, PolicyTarget target)
    {
        var admin = caller.HasRole("admin");
        var member = caller.HasRole("member");
        var reader = caller.HasRole("reader");
        var project = caller.ProjectId;
        bool Is(string? value) => project is not null && project == value;
        var ownsTarget = Is(target.ProjectId);
        var isImageMember = Is(target.MemberId);
        var openVisibility = target.Visibility is "community" or "public" or "shared";
        return rule switch
        {
            // role:admin or (role:member and project_id:%(project_id)s and project_id:%(owner)s)
            ImageRule.AddImage => admin || (member && ownsTarget && Is(target.Owner)),
            // role:admin or (role:reader and (project_id or image member or community/public/shared))
            ImageRule.GetImage => admin || (reader && (ownsTarget || isImageMember || openVisibility)),
            // role:admin or (role:member and (project_id or image member or community/public/shared))
            ImageRule.DownloadImage => admin || (member && (ownsTarget || isImageMember || openVisibility)),
            // role:admin or (role:reader and project_id:%(project_id)s)
            ImageRule.GetImages or ImageRule.GetImageLocation => admin || (reader && ownsTarget),
            // role:admin or role:reader and (project_id or image member)
            ImageRule.GetMember or ImageRule.GetMembers => admin || (reader && (ownsTarget || isImageMember)),
            // role:admin or (role:member and project_id:%(member_id)s)
            ImageRule.ModifyMember => admin || (member && isImageMember),
            ImageRule.PublicizeImage or ImageRule.DeleteImageLocation or ImageRule.StoresInfoDetail or ImageRule.ContextIsAdmin => admin,
            // role:admin or (role:member and project_id:%(project_id)s)
            _ => admin || (member && ownsTarget),
        };
    }
}
