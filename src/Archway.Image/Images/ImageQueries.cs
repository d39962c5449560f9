using Archway.Image.Http;
using Archway.Image.Members;
using Archway.Image.Stores;
using Archway.Image.Tags;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Image.Images;

/// <summary>Reading and writing images with their properties, tags and locations: the queries the APIs share.</summary>
internal static class ImageQueries
{
    /// <summary>
    /// ImageRepo.get: the image unless it is deleted or the caller may not see it (Glance's is_image_visible: admins,
    /// images without owner, public and community images, the owner, and members of shared images).
    /// </summary>
    public static async Task<GlanceImage?> FindVisibleAsync(this DataConnection db, string id, Caller caller, CancellationToken cancellationToken)
    {
        if (id.Length > 36)
        {
            return null;
        }
        var record = await db.GetTable<ImageRecord>().FirstOrDefaultAsync(i => i.Id == id && !i.Deleted, cancellationToken);
        if (record is null || !await db.IsVisibleAsync(record, caller, cancellationToken))
        {
            return null;
        }
        return (await db.WithDetailsAsync([record], caller, cancellationToken))[0];
    }

    public static async Task<bool> IsVisibleAsync(this DataConnection db, ImageRecord record, Caller caller, CancellationToken cancellationToken) =>
        VisibleUnlessMembership(record, caller)
        ?? await db.GetTable<ImageMemberRecord>().AnyAsync(m => m.ImageId == record.Id && m.Member == caller.ProjectId, cancellationToken);

    /// <summary>
    /// Glance's is_image_visible as far as it goes without the members table: true or false, or null when the answer
    /// is whether the caller's project (never null then) is a member of this shared image.
    /// </summary>
    public static bool? VisibleUnlessMembership(ImageRecord record, Caller caller)
    {
        if (caller.IsAdmin || record.Owner is null || record.Visibility is "public" or "community")
        {
            return true;
        }
        if (caller.ProjectId is null)
        {
            return false;
        }
        if (caller.ProjectId == record.Owner)
        {
            return true;
        }
        return record.Visibility == "shared" ? null : false;
    }

    /// <summary>Loads the properties, tags and active locations of <paramref name="records"/>, three queries for all.</summary>
    public static async Task<List<GlanceImage>> WithDetailsAsync(this DataConnection db, IReadOnlyList<ImageRecord> records, Caller caller, CancellationToken cancellationToken)
    {
        // Hand-written SQL: LINQ's Contains made each page a new statement for linq2db to translate, and binding one
        // parameter per id is quadratic in Microsoft.Data.Sqlite (each name is looked up among all the statement's
        // parameters: 50 ms of CPU for a page of 1,000 images). So the ids go in as literals when they are plain
        // UUID text, as Glance's schema makes them; anything else is bound as parameters.
        var (inList, parameters) = InList(records);
        var properties = (await DetailsAsync<ImagePropertyRecord>(db, "image_properties", inList, "", parameters, cancellationToken)).ToLookup(p => p.ImageId);
        var tags = (await DetailsAsync<ImageTagRecord>(db, "image_tags", inList, "", parameters, cancellationToken)).ToLookup(t => t.ImageId);
        var locations = (await DetailsAsync<ImageLocationRecord>(db, "image_locations", inList, $" AND status = '{ImageLocationRecord.Active}'", parameters, cancellationToken))
            .ToLookup(l => l.ImageId);
        var images = new List<GlanceImage>(records.Count);
        foreach (var record in records)
        {
            images.Add(new GlanceImage
            {
                Record = record,
                Properties = properties[record.Id].Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList(),
                Tags = tags[record.Id].Select(t => t.Value).ToList(),
                Locations = locations[record.Id].ToList(),
                Member = GlanceImage.MemberFor(record, caller),
            });
        }
        return images;
    }

    private static (string InList, DataParameter[] Parameters) InList(IReadOnlyList<ImageRecord> records)
    {
        var literal = records.All(r => r.Id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
        var inList = new System.Text.StringBuilder(records.Count * 40);
        var parameters = literal ? [] : new DataParameter[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            inList.Append(i == 0 ? "" : ",");
            if (literal)
            {
                inList.Append('\'').Append(records[i].Id).Append('\'');
            }
            else
            {
                parameters[i] = new DataParameter("p" + i, records[i].Id, DataType.NVarChar);
                inList.Append("@p").Append(i);
            }
        }
        return (inList.ToString(), parameters);
    }

    private static async Task<List<T>> DetailsAsync<T>(DataConnection db, string table, string inList, string condition, DataParameter[] parameters, CancellationToken cancellationToken) =>
        inList.Length == 0
            ? []
            : await db.QueryToListAsync<T>($"SELECT * FROM {table} WHERE image_id IN ({inList}){condition} ORDER BY id", cancellationToken, parameters);

    /// <summary>Inserts a new image with its properties and tags; false when the id is taken (even by a deleted image).</summary>
    public static async Task<bool> InsertAsync(this DataConnection db, GlanceImage image, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        if (await db.GetTable<ImageRecord>().AnyAsync(i => i.Id == image.Id, cancellationToken))
        {
            return false;
        }
        try
        {
            await db.InsertAsync(image.Record, token: cancellationToken);
        }
        catch (Exception e) when (Archway.Data.Database.DatabaseErrors.IsUniqueViolation(e))
        {
            return false;
        }
        await WritePropertiesAsync(db, image.Id, [], image.Properties, image.Record.CreatedAt, cancellationToken);
        await WriteTagsAsync(db, image.Id, [], image.Tags, image.Record.CreatedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="draft"/> over <paramref name="original"/>: the row, then only the properties and tags
    /// that changed. With <paramref name="fromStatus"/> the row is written only while the image still has that
    /// status (Glance's from_state); false when it no longer has it or is gone.
    /// </summary>
    public static async Task<bool> SaveAsync(this DataConnection db, GlanceImage original, GlanceImage draft, string? fromStatus, DateTime now, CancellationToken cancellationToken)
    {
        var record = draft.Record;
        record.UpdatedAt = now;
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var expected = fromStatus ?? original.Record.Status;
        var rows = await db.GetTable<ImageRecord>()
            .Where(i => i.Id == record.Id && !i.Deleted && (fromStatus == null || i.Status == expected))
            .Set(i => i.Name, record.Name)
            .Set(i => i.Size, record.Size)
            .Set(i => i.VirtualSize, record.VirtualSize)
            .Set(i => i.Status, record.Status)
            .Set(i => i.Visibility, record.Visibility)
            .Set(i => i.DiskFormat, record.DiskFormat)
            .Set(i => i.ContainerFormat, record.ContainerFormat)
            .Set(i => i.Checksum, record.Checksum)
            .Set(i => i.OsHashAlgo, record.OsHashAlgo)
            .Set(i => i.OsHashValue, record.OsHashValue)
            .Set(i => i.Owner, record.Owner)
            .Set(i => i.MinDisk, record.MinDisk)
            .Set(i => i.MinRam, record.MinRam)
            .Set(i => i.Protected, record.Protected)
            .Set(i => i.OsHidden, record.OsHidden)
            .Set(i => i.UpdatedAt, now)
            .UpdateAsync(cancellationToken);
        if (rows == 0)
        {
            return false;
        }
        await WritePropertiesAsync(db, record.Id, original.Properties, draft.Properties, now, cancellationToken);
        await WriteTagsAsync(db, record.Id, original.Tags, draft.Tags, now, cancellationToken);
        await WriteLocationsAsync(db, record.Id, original.Locations, draft.Locations, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Glance's delete: the row stays, marked deleted (its id is never reused); what hangs off it goes.</summary>
    public static async Task<bool> MarkDeletedAsync(this DataConnection db, string id, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var rows = await db.GetTable<ImageRecord>().Where(i => i.Id == id && !i.Deleted)
            .Set(i => i.Status, ImageStatus.Deleted)
            .Set(i => i.Deleted, true)
            .Set(i => i.DeletedAt, now)
            .Set(i => i.UpdatedAt, now)
            .UpdateAsync(cancellationToken);
        if (rows == 0)
        {
            return false;
        }
        await db.GetTable<ImagePropertyRecord>().Where(p => p.ImageId == id).DeleteAsync(cancellationToken);
        await db.GetTable<ImageTagRecord>().Where(t => t.ImageId == id).DeleteAsync(cancellationToken);
        await db.GetTable<ImageMemberRecord>().Where(m => m.ImageId == id).DeleteAsync(cancellationToken);
        await db.GetTable<ImageLocationRecord>().Where(l => l.ImageId == id).DeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Bytes stored for a project's images (Glance's user_get_storage_usage), leaving one image out.</summary>
    public static async Task<long> StorageUsageAsync(this DataConnection db, string? owner, string? exceptImageId, CancellationToken cancellationToken)
    {
        var images = await db.GetTable<ImageRecord>()
            .Where(i => i.Owner == owner && i.Id != exceptImageId && i.Size > 0 && i.Status != ImageStatus.Killed && !i.Deleted)
            .Select(i => new
            {
                i.Size,
                Locations = db.GetTable<ImageLocationRecord>().Count(l => l.ImageId == i.Id && l.Status == ImageLocationRecord.Active),
            })
            .ToListAsync(cancellationToken);
        return images.Sum(i => (i.Size ?? 0) * i.Locations);
    }

    private static async Task WritePropertiesAsync(DataConnection db, string imageId, List<KeyValuePair<string, string?>> before,
        List<KeyValuePair<string, string?>> after, DateTime now, CancellationToken cancellationToken)
    {
        var old = before.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var current = after.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var removed = old.Keys.Where(k => !current.Contains(k)).ToArray();
        if (removed.Length > 0)
        {
            await db.GetTable<ImagePropertyRecord>().Where(p => p.ImageId == imageId && removed.Contains(p.Name)).DeleteAsync(cancellationToken);
        }
        foreach (var (name, value) in after)
        {
            if (!old.TryGetValue(name, out var previous))
            {
                await db.InsertAsync(new ImagePropertyRecord { ImageId = imageId, Name = name, Value = value, CreatedAt = now }, token: cancellationToken);
            }
            else if (previous != value)
            {
                await db.GetTable<ImagePropertyRecord>().Where(p => p.ImageId == imageId && p.Name == name)
                    .Set(p => p.Value, value).UpdateAsync(cancellationToken);
            }
        }
    }

    private static async Task WriteLocationsAsync(DataConnection db, string imageId, List<ImageLocationRecord> before,
        List<ImageLocationRecord> after, DateTime now, CancellationToken cancellationToken)
    {
        var kept = after.Where(l => l.Id != 0).Select(l => l.Id).ToHashSet();
        var removed = before.Where(l => !kept.Contains(l.Id)).Select(l => l.Id).ToArray();
        if (removed.Length > 0)
        {
            await db.GetTable<ImageLocationRecord>().Where(l => l.ImageId == imageId && removed.Contains(l.Id)).DeleteAsync(cancellationToken);
        }
        foreach (var location in after.Where(l => l.Id == 0))
        {
            location.ImageId = imageId;
            location.CreatedAt = now;
            location.Id = await db.InsertWithInt64IdentityAsync(location, token: cancellationToken);
        }
    }

    private static async Task WriteTagsAsync(DataConnection db, string imageId, List<string> before, List<string> after, DateTime now, CancellationToken cancellationToken)
    {
        var removed = before.Where(t => !after.Contains(t)).ToArray();
        if (removed.Length > 0)
        {
            await db.GetTable<ImageTagRecord>().Where(t => t.ImageId == imageId && removed.Contains(t.Value)).DeleteAsync(cancellationToken);
        }
        foreach (var tag in after.Where(t => !before.Contains(t)))
        {
            await db.InsertAsync(new ImageTagRecord { ImageId = imageId, Value = tag, CreatedAt = now }, token: cancellationToken);
        }
    }
}
