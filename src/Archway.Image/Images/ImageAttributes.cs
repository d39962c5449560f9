using System.Globalization;
using System.Text.Json;
using Archway.Image.Config;
using Archway.Image.Http;

namespace Archway.Image.Images;

/// <summary>
/// The attributes of Glance's domain Image that clients set (everything else is a custom property), with the
/// domain's own rules: visibility values, non-negative sizes, formats only while queued, tags as a set, and the
/// quotas on properties and tags.
/// </summary>
internal static class ImageAttributes
{
    /// <summary>Attributes a client may set by name on create and PATCH.</summary>
    public static readonly string[] Settable =
        ["name", "visibility", "os_hidden", "min_disk", "min_ram", "protected", "owner", "disk_format", "container_format", "tags"];

    public static bool IsAttribute(string name) => Array.IndexOf(Settable, name) >= 0;

    /// <summary>setattr(image, name, value) for a value the image schema already accepted.</summary>
    public static GlanceError? Set(GlanceImage image, string name, JsonElement value, bool creating)
    {
        var record = image.Record;
        switch (name)
        {
            case "name":
                record.Name = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                return null;
            case "visibility":
                var visibility = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (visibility is not ("community" or "public" or "private" or "shared"))
                {
                    return GlanceError.BadRequest("Visibility must be one of \"community\", \"public\", \"private\", or \"shared\"");
                }
                record.Visibility = visibility;
                return null;
            case "os_hidden":
                record.OsHidden = value.ValueKind == JsonValueKind.True;
                return null;
            case "protected":
                record.Protected = value.ValueKind == JsonValueKind.True;
                return null;
            case "min_disk" or "min_ram":
                var number = double.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (number < 0)
                {
                    return GlanceError.BadRequest($"Invalid value '{value.GetRawText()}' for parameter '{name}': Cannot be a negative value");
                }
                if (number > int.MaxValue)
                {
                    return GlanceError.BadRequest($"'{name}' value out of range, must not exceed {int.MaxValue}.");
                }
                if (name == "min_disk")
                {
                    record.MinDisk = (int)number;
                }
                else
                {
                    record.MinRam = (int)number;
                }
                return null;
            case "owner":
                var owner = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                // Glance canonicalises an empty owner to none.
                record.Owner = string.IsNullOrEmpty(owner) ? null : owner;
                return null;
            case "disk_format" or "container_format":
                if (!creating && record.Status is not (ImageStatus.Queued or ImageStatus.Importing))
                {
                    return GlanceError.Forbidden($"Attribute {name} can be only replaced for a queued image.");
                }
                var format = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                if (name == "disk_format")
                {
                    record.DiskFormat = format;
                }
                else
                {
                    record.ContainerFormat = format;
                }
                return null;
            case "tags":
                image.Tags.Clear();
                foreach (var tag in value.EnumerateArray())
                {
                    var text = tag.GetString()!;
                    if (!image.Tags.Contains(text))
                    {
                        image.Tags.Add(text);
                    }
                }
                return null;
            default:
                throw new ArgumentException($"{name} is not an image attribute", nameof(name));
        }
    }

    /// <summary>image_tag_quota (negative: unlimited), 413 as Glance's ImageTagLimitExceeded.</summary>
    public static GlanceError? CheckTagQuota(GlanceOptions options, int count) =>
        options.ImageTagQuota >= 0 && count > options.ImageTagQuota
            ? GlanceError.TooLarge($"The limit has been exceeded on the number of allowed image tags. Attempted: {count}, Maximum: {options.ImageTagQuota}")
            : null;

    /// <summary>image_property_quota over the properties outside os_glance_*.</summary>
    public static GlanceError? CheckPropertyQuota(GlanceOptions options, GlanceImage image)
    {
        if (options.ImagePropertyQuota < 0)
        {
            return null;
        }
        var count = image.Properties.Count(p => !p.Key.StartsWith(JsonPatch.ReservedNamespace, StringComparison.Ordinal));
        return count > options.ImagePropertyQuota
            ? GlanceError.TooLarge($"The limit has been exceeded on the number of allowed image properties. Attempted: {count}, Maximum: {options.ImagePropertyQuota}")
            : null;
    }
}
