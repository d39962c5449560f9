using System.Globalization;
using System.Text.Json;
using Archway.Image.Http;
using Archway.Image.Policy;
using Archway.Image.Stores;
using LinqToDB.Data;

namespace Archway.Image.Images;

/// <summary>
/// Glance's ImagesController.update: applies parsed JSON-patch operations one by one to a draft of the image, each
/// under the policy it needs, then checks the quotas; nothing is written unless every operation succeeds.
/// </summary>
internal sealed class ImagePatcher(ImageServices api, Caller caller, GlanceImage draft)
{
    private readonly ImageAccess _access = new(api.Policy, caller, draft);
    private readonly int _propertiesBefore = draft.Properties.Count;
    private readonly List<ImageLocationRecord> _removedLocations = [];

    public async Task<GlanceError?> ApplyAsync(PatchChange change, CancellationToken cancellationToken) => change.Op switch
    {
        "replace" => await ReplaceAsync(change, cancellationToken),
        "add" => await AddAsync(change, cancellationToken),
        _ => Remove(change),
    };

    private async Task<GlanceError?> ReplaceAsync(PatchChange change, CancellationToken cancellationToken)
    {
        var root = change.Root;
        if (root == "locations")
        {
            if (change.Value.ValueKind != JsonValueKind.Array || change.Value.GetArrayLength() == 0)
            {
                return GlanceError.Forbidden("Cannot set locations to empty list.");
            }
            return _access.Enforce(ImageRule.SetImageLocation) ?? await ReplaceLocationsAsync(change.Value, cancellationToken);
        }
        // Glance lets only admins give an image away.
        if (root == "owner" && !caller.IsAdmin)
        {
            return GlanceError.Forbidden("Owner can't be updated by non admin.");
        }
        if (_access.EnforceProperty(root, StringValue(change.Value)) is { } refused)
        {
            return refused;
        }
        if (ImageAttributes.IsAttribute(root))
        {
            return ImageAttributes.Set(draft, root, change.Value, creating: false);
        }
        if (draft.TryGetProperty(root, out _))
        {
            draft.SetProperty(root, StringValue(change.Value));
            return null;
        }
        return GlanceError.Conflict($"Property {root} does not exist.");
    }

    private async Task<GlanceError?> AddAsync(PatchChange change, CancellationToken cancellationToken)
    {
        var root = change.Root;
        if (root == "locations")
        {
            return _access.Enforce(ImageRule.SetImageLocation) ?? await AddLocationAsync(change.Path[1], change.Value, cancellationToken);
        }
        // Glance checks this on replace only; Archway on add too, which would otherwise give an image away the same way.
        if (root == "owner" && !caller.IsAdmin)
        {
            return GlanceError.Forbidden("Owner can't be updated by non admin.");
        }
        if (_access.EnforceProperty(root, StringValue(change.Value)) is { } refused)
        {
            return refused;
        }
        var exists = ImageAttributes.IsAttribute(root) || draft.TryGetProperty(root, out _);
        if (exists && change.DraftVersion == 4)
        {
            return GlanceError.Conflict($"Property {root} already present.");
        }
        if (ImageAttributes.IsAttribute(root))
        {
            return ImageAttributes.Set(draft, root, change.Value, creating: false);
        }
        draft.SetProperty(root, StringValue(change.Value));
        return null;
    }

    private GlanceError? Remove(PatchChange change)
    {
        var root = change.Root;
        if (root == "locations")
        {
            return _access.Enforce(ImageRule.DeleteImageLocation) ?? _access.CheckMutable() ?? RemoveLocation(change.Path[1]);
        }
        if (_access.EnforceProperty(root, null) is { } refused)
        {
            return refused;
        }
        if (ImageAttributes.IsAttribute(root))
        {
            return GlanceError.Forbidden($"Property {root} may not be removed.");
        }
        return draft.RemoveProperty(root) ? null : GlanceError.Conflict($"Property {root} does not exist.");
    }

    /// <summary>The quotas, checked once all operations are applied, as Glance's repository does on save.</summary>
    public GlanceError? Check() =>
        ImageAttributes.CheckTagQuota(api.Options, draft.Tags.Count)
        ?? (draft.Properties.Count > _propertiesBefore ? ImageAttributes.CheckPropertyQuota(api.Options, draft) : null)
        ?? ImageValidation.ValidateForDatabase(draft);

    public async Task<bool> SaveAsync(DataConnection db, GlanceImage original, CancellationToken cancellationToken)
    {
        if (!await db.SaveAsync(original, draft, fromStatus: null, api.Now(), cancellationToken))
        {
            return false;
        }
        foreach (var location in _removedLocations)
        {
            await api.Stores.DeleteAsync(location.Value, CancellationToken.None);
        }
        return true;
    }

    private async Task<GlanceError?> ReplaceLocationsAsync(JsonElement value, CancellationToken cancellationToken)
    {
        if (!api.Options.ShowMultipleLocations)
        {
            return GlanceError.Forbidden("It's not allowed to update locations if locations are invisible.");
        }
        if (draft.Status is not (ImageStatus.Active or ImageStatus.Queued))
        {
            return GlanceError.Conflict($"It's not allowed to replace locations if image status is {draft.Status}.");
        }
        var locations = new List<ImageLocationRecord>();
        foreach (var item in value.EnumerateArray())
        {
            var (location, error) = await NewLocationAsync(item, cancellationToken);
            if (error is not null)
            {
                return error;
            }
            locations.Add(location!);
        }
        if (CheckLocationQuota(locations.Count) is { } tooMany)
        {
            return tooMany;
        }
        _removedLocations.AddRange(draft.Locations.Where(old => !locations.Any(l => l.Value == old.Value)));
        draft.Locations.Clear();
        draft.Locations.AddRange(locations);
        return Activate();
    }

    private async Task<GlanceError?> AddLocationAsync(string position, JsonElement value, CancellationToken cancellationToken)
    {
        if (!api.Options.ShowMultipleLocations)
        {
            return GlanceError.Forbidden("It's not allowed to add locations if locations are invisible.");
        }
        if (draft.Status is not (ImageStatus.Active or ImageStatus.Queued))
        {
            return GlanceError.Conflict($"It's not allowed to add locations if image status is {draft.Status}.");
        }
        var (location, error) = await NewLocationAsync(value, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var index = Position(position, draft.Locations.Count, allowEnd: true);
        if (index is null)
        {
            return GlanceError.BadRequest("Invalid position for adding a location.");
        }
        if (draft.Locations.Any(l => l.Value == location!.Value))
        {
            return GlanceError.BadRequest($"The location {location!.Value} already exists");
        }
        if (CheckLocationQuota(draft.Locations.Count + 1) is { } tooMany)
        {
            return tooMany;
        }
        draft.Locations.Insert(index.Value, location!);
        return Activate();
    }

    private GlanceError? RemoveLocation(string position)
    {
        if (!api.Options.ShowMultipleLocations)
        {
            return GlanceError.Forbidden("It's not allowed to remove locations if locations are invisible.");
        }
        if (draft.Status != ImageStatus.Active)
        {
            return GlanceError.Conflict($"It's not allowed to remove locations if image status is {draft.Status}.");
        }
        if (draft.Locations.Count == 1)
        {
            return GlanceError.Forbidden("Cannot remove last location in the image.");
        }
        var index = Position(position, draft.Locations.Count, allowEnd: false);
        if (index is null)
        {
            return GlanceError.BadRequest("Invalid position for removing a location.");
        }
        _removedLocations.Add(draft.Locations[index.Value]);
        draft.Locations.RemoveAt(index.Value);
        return null;
    }

    /// <summary>A queued image with data somewhere becomes active, with the size its store reports.</summary>
    private GlanceError? Activate()
    {
        if (draft.Status != ImageStatus.Queued)
        {
            return null;
        }
        var missing = new[] { ("disk_format", draft.Record.DiskFormat), ("container_format", draft.Record.ContainerFormat) }
            .Where(f => f.Item2 is null).Select(f => f.Item1).ToList();
        if (missing.Count > 0)
        {
            return GlanceError.BadRequest(missing.Count == 1
                ? $"Property {missing[0]} must be set prior to saving data."
                : $"Properties {string.Join(", ", missing)} must be set prior to saving data.");
        }
        draft.Record.Status = ImageStatus.Active;
        return null;
    }

    /// <summary>Checks a new location's URL against the stores, taking the image's size from it when unknown.</summary>
    private async Task<(ImageLocationRecord? Location, GlanceError? Error)> NewLocationAsync(JsonElement value, CancellationToken cancellationToken)
    {
        var url = value.GetProperty("url").GetString()!;
        var metadata = value.GetProperty("metadata").GetRawText();
        var (size, error) = await api.Stores.SizeAsync(url, cancellationToken);
        if (error is not null)
        {
            return (null, GlanceError.BadRequest(error));
        }
        if (value.TryGetProperty("validation_data", out var validation) && ApplyValidationData(validation) is { } invalid)
        {
            return (null, invalid);
        }
        draft.Record.Size ??= size;
        return (new ImageLocationRecord { Value = url, MetaData = metadata, Status = ImageLocationRecord.Active }, null);
    }

    /// <summary>Glance's _validate_validation_data: checksums may be given while queued, must match afterwards.</summary>
    private GlanceError? ApplyValidationData(JsonElement validation)
    {
        var record = draft.Record;
        string? Get(string name) => validation.TryGetProperty(name, out var v) ? v.GetString() : null;
        var given = new[] { ("checksum", Get("checksum"), record.Checksum), ("os_hash_algo", Get("os_hash_algo"), record.OsHashAlgo), ("os_hash_value", Get("os_hash_value"), record.OsHashValue) };
        var changes = new List<(string Name, string Value)>();
        foreach (var (name, newValue, current) in given)
        {
            if (newValue is null || newValue == current)
            {
                continue;
            }
            if (current is not null)
            {
                return GlanceError.Conflict($"{name} is already set with a different value");
            }
            changes.Add((name, newValue));
        }
        if (changes.Count == 0)
        {
            return null;
        }
        if (record.Status != ImageStatus.Queued)
        {
            return GlanceError.Conflict($"New value(s) for {string.Join(", ", changes.Select(c => c.Name))} may only be provided when image status is 'queued'");
        }
        var algorithm = Get("os_hash_algo");
        if (algorithm != api.Options.HashingAlgorithm)
        {
            return GlanceError.Conflict($"os_hash_algo must be {api.Options.HashingAlgorithm}, not {algorithm}");
        }
        var checksum = Get("checksum");
        if (checksum is not null && (!IsHex(checksum) || checksum.Length != 32))
        {
            return GlanceError.Conflict($"checksum ({checksum}) is not the correct size for md5 (should be 16 bytes)");
        }
        var hash = Get("os_hash_value")!;
        var hashBytes = algorithm switch { "sha256" => 32, "sha384" => 48, _ => 64 };
        if (!IsHex(hash))
        {
            return GlanceError.Conflict($"os_hash_value ({hash}) is not a valid hexadecimal value");
        }
        if (hash.Length != hashBytes * 2)
        {
            return GlanceError.Conflict($"os_hash_value ({hash}) is not the correct size for {algorithm} (should be {hashBytes} bytes)");
        }
        record.Checksum = checksum ?? record.Checksum;
        record.OsHashAlgo = algorithm;
        record.OsHashValue = hash;
        return null;
    }

    private GlanceError? CheckLocationQuota(int count) =>
        api.Options.ImageLocationQuota >= 0 && count > api.Options.ImageLocationQuota
            ? GlanceError.TooLarge($"The limit has been exceeded on the number of allowed image locations. Attempted: {count}, Maximum: {api.Options.ImageLocationQuota}")
            : null;

    /// <summary>Glance's _get_locations_op_pos: a digit index, or '-' for the end.</summary>
    private static int? Position(string text, int count, bool allowEnd)
    {
        var position = allowEnd ? count : count - 1;
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            position = int.Parse(text, CultureInfo.InvariantCulture);
        }
        else if (text != "-")
        {
            return null;
        }
        if (!allowEnd && (position < 0 || position >= count))
        {
            return null;
        }
        return allowEnd && position > count ? count : position;
    }

    private static bool IsHex(string text) => text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit);

    private static string? StringValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
