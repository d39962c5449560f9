using Archway.Image.Http;
using Archway.Image.Policy;
using Archway.Image.Stores;

namespace Archway.Image.Images;

/// <summary>
/// One image as the API works on it (Glance's domain Image): its row, custom properties in the order they were
/// added, tags, active store locations, and — when the caller sees a shared image it does not own — the caller's
/// project as <see cref="Member"/>, which member policies check.
/// </summary>
internal sealed class GlanceImage
{
    public required ImageRecord Record { get; init; }

    /// <summary>Custom properties, insertion-ordered; a null value is a property set to JSON null.</summary>
    public required List<KeyValuePair<string, string?>> Properties { get; init; }

    /// <summary>Tags in the order they were added; each at most once.</summary>
    public required List<string> Tags { get; init; }

    public required List<ImageLocationRecord> Locations { get; init; }

    public string? Member { get; init; }

    /// <summary>
    /// The image's document as <see cref="ImageJson"/> renders it for the caller this image was read for, when the
    /// list snapshot kept one; null otherwise, and in every <see cref="Draft"/>.
    /// </summary>
    public byte[]? Document { get; set; }

    public string Id => Record.Id;

    public string? Owner => Record.Owner;

    public string Status => Record.Status;

    public PolicyTarget Target => new(Record.Owner, Record.Owner, Member, Record.Visibility);

    public bool TryGetProperty(string name, out string? value)
    {
        foreach (var (key, current) in Properties)
        {
            if (key == name)
            {
                value = current;
                return true;
            }
        }
        value = null;
        return false;
    }

    public void SetProperty(string name, string? value)
    {
        for (var i = 0; i < Properties.Count; i++)
        {
            if (Properties[i].Key == name)
            {
                Properties[i] = KeyValuePair.Create(name, value);
                return;
            }
        }
        Properties.Add(KeyValuePair.Create(name, value));
    }

    public bool RemoveProperty(string name) => Properties.RemoveAll(p => p.Key == name) > 0;

    /// <summary>A copy to change, leaving this one as it was read.</summary>
    public GlanceImage Draft() => new()
    {
        Record = Record.Copy(),
        Properties = [.. Properties],
        Tags = [.. Tags],
        Locations = [.. Locations],
        Member = Member,
    };

    /// <summary>The member Glance sets for policy checks: the caller's project on a shared image it does not own.</summary>
    public static string? MemberFor(ImageRecord record, Caller caller) =>
        record.Visibility == "shared" && caller.ProjectId != record.Owner ? caller.ProjectId : null;
}
