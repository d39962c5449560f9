using System.Linq.Expressions;
using Archway.Image.Http;
using Archway.Image.Members;
using Archway.Image.Tags;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Image.Images;

/// <summary>
/// Glance's image_get_all in one SQL query: what the caller may list (everything for admins; otherwise public and
/// community images, the project's own, and shared images whose membership has the requested status), the
/// visibility rule for community images, the filters, the sort (created_at and id appended as tie-breakers), and
/// keyset pagination after the marker image.
/// </summary>
internal static class ImageListQuery
{
    public static async Task<(List<ImageRecord>? Images, GlanceError? Error)> RunAsync(DataConnection db, ImageListRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var images = db.GetTable<ImageRecord>().Where(i => !i.Deleted && i.Status != ImageStatus.Killed);
        var project = caller.ProjectId;
        if (!caller.IsAdmin)
        {
            var all = request.MemberStatus == "all";
            var status = request.MemberStatus;
            var members = db.GetTable<ImageMemberRecord>();
            images = project is null
                ? images.Where(i => i.Visibility == "public" || i.Visibility == "community")
                : images.Where(i => i.Visibility == "public" || i.Visibility == "community" || i.Owner == project
                    || (i.Visibility == "shared" && members.Any(m => m.ImageId == i.Id && m.Member == project && (all || m.Status == status))));
        }
        if (request.Visibility is { } visibility)
        {
            if (visibility != "all")
            {
                images = images.Where(i => i.Visibility == visibility);
            }
        }
        else if (project is null)
        {
            images = images.Where(i => i.Visibility != "community");
        }
        else
        {
            images = images.Where(i => i.Owner == project || i.Visibility != "community");
        }

        var hidden = request.OsHidden;
        images = images.Where(i => i.OsHidden == hidden);
        if (request.Protected is { } isProtected)
        {
            images = images.Where(i => i.Protected == isProtected);
        }
        foreach (var (column, condition) in request.Columns)
        {
            images = images.Where(ColumnCondition(column, condition));
        }
        foreach (var (column, (op, threshold)) in request.Times)
        {
            images = images.Where(TimeCondition(column, op, threshold));
        }
        foreach (var (column, minimum, bound) in request.Ranges)
        {
            images = images.Where(RangeCondition(column, minimum, bound));
        }
        foreach (var (column, value) in request.Equal)
        {
            images = images.Where(EqualCondition(column, value));
        }
        var properties = db.GetTable<ImagePropertyRecord>();
        foreach (var (name, value) in request.Properties)
        {
            images = images.Where(i => properties.Any(p => p.ImageId == i.Id && p.Name == name && p.Value == value));
        }
        var tags = db.GetTable<ImageTagRecord>();
        foreach (var tag in request.Tags)
        {
            images = images.Where(i => tags.Any(t => t.ImageId == i.Id && t.Value == tag));
        }

        var sort = request.Sort.ToList();
        var defaultDirection = sort.Count > 0 ? sort[0].Direction : "desc";
        foreach (var key in new[] { "created_at", "id" })
        {
            if (!sort.Any(s => s.Key == key))
            {
                sort.Add((key, defaultDirection));
            }
        }

        if (request.Marker is { } markerId)
        {
            var marker = markerId.Length > 36 ? null : await db.GetTable<ImageRecord>().FirstOrDefaultAsync(i => i.Id == markerId && !i.Deleted, cancellationToken);
            if (marker is null)
            {
                return (null, GlanceError.BadRequest($"No image found with ID {markerId}"));
            }
            if (!await db.IsVisibleAsync(marker, caller, cancellationToken))
            {
                return (null, GlanceError.Forbidden($"Forbidding request, image {markerId} not visible"));
            }
            images = images.Where(AfterMarker(sort, marker));
        }

        IOrderedQueryable<ImageRecord>? ordered = null;
        foreach (var (key, direction) in sort)
        {
            ordered = Order(ordered, images, key, direction == "asc");
        }
        return (await ordered!.Take(request.Limit).ToListAsync(cancellationToken), null);
    }

    private static IOrderedQueryable<ImageRecord> Order(IOrderedQueryable<ImageRecord>? ordered, IQueryable<ImageRecord> source, string key, bool ascending)
    {
        IOrderedQueryable<ImageRecord> Apply<T>(Expression<Func<ImageRecord, T>> selector) => ordered is null
            ? ascending ? source.OrderBy(selector) : source.OrderByDescending(selector)
            : ascending ? ordered.ThenBy(selector) : ordered.ThenByDescending(selector);

        return key switch
        {
            "name" => Apply(i => i.Name),
            "status" => Apply(i => i.Status),
            "container_format" => Apply(i => i.ContainerFormat),
            "disk_format" => Apply(i => i.DiskFormat),
            "size" => Apply(i => i.Size),
            "id" => Apply(i => i.Id),
            "created_at" => Apply(i => i.CreatedAt),
            "updated_at" => Apply(i => i.UpdatedAt),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a sort key"),
        };
    }

    /// <summary>
    /// Rows after the marker in the sort order: (k1 after m1) or (k1 = m1 and k2 after m2) or ... A null column
    /// compares as Glance's default for its type ('' for text, 0 for numbers).
    /// </summary>
    private static Expression<Func<ImageRecord, bool>> AfterMarker(List<(string Key, string Direction)> sort, ImageRecord marker)
    {
        var image = Expression.Parameter(typeof(ImageRecord), "i");
        Expression? any = null;
        for (var i = 0; i < sort.Count; i++)
        {
            Expression? all = null;
            for (var j = 0; j < i; j++)
            {
                var (column, value) = SortValue(image, sort[j].Key, marker);
                all = And(all, Expression.Equal(column, value));
            }
            var (current, markerValue) = SortValue(image, sort[i].Key, marker);
            var after = sort[i].Direction == "asc" ? Greater(current, markerValue) : Less(current, markerValue);
            any = any is null ? And(all, after) : Expression.OrElse(any, And(all, after));
        }
        return Expression.Lambda<Func<ImageRecord, bool>>(any!, image);
    }

    private static Expression And(Expression? left, Expression right) => left is null ? right : Expression.AndAlso(left, right);

    private static (Expression Column, Expression Marker) SortValue(ParameterExpression image, string key, ImageRecord marker)
    {
        Expression Text(string property, string? value) =>
            Expression.Coalesce(Expression.Property(image, property), Expression.Constant(""));
        Expression Constant<T>(T value) => Expression.Constant(value, typeof(T));
        return key switch
        {
            "name" => (Text(nameof(ImageRecord.Name), marker.Name), Constant(marker.Name ?? "")),
            "status" => (Expression.Property(image, nameof(ImageRecord.Status)), Constant(marker.Status)),
            "container_format" => (Text(nameof(ImageRecord.ContainerFormat), marker.ContainerFormat), Constant(marker.ContainerFormat ?? "")),
            "disk_format" => (Text(nameof(ImageRecord.DiskFormat), marker.DiskFormat), Constant(marker.DiskFormat ?? "")),
            "size" => (Expression.Coalesce(Expression.Property(image, nameof(ImageRecord.Size)), Expression.Constant(0L)), Constant(marker.Size ?? 0L)),
            "id" => (Expression.Property(image, nameof(ImageRecord.Id)), Constant(marker.Id)),
            "created_at" => (Expression.Property(image, nameof(ImageRecord.CreatedAt)), Constant(marker.CreatedAt)),
            "updated_at" => (Expression.Coalesce(Expression.Property(image, nameof(ImageRecord.UpdatedAt)), Expression.Constant(DateTime.MinValue)),
                Constant(marker.UpdatedAt ?? DateTime.MinValue)),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a sort key"),
        };
    }

    private static readonly System.Reflection.MethodInfo CompareOrdinal =
        typeof(string).GetMethod(nameof(string.CompareOrdinal), [typeof(string), typeof(string)])!;

    private static Expression Greater(Expression left, Expression right) => left.Type == typeof(string)
        ? Expression.GreaterThan(Expression.Call(CompareOrdinal, left, right), Expression.Constant(0))
        : Expression.GreaterThan(left, right);

    private static Expression Less(Expression left, Expression right) => left.Type == typeof(string)
        ? Expression.LessThan(Expression.Call(CompareOrdinal, left, right), Expression.Constant(0))
        : Expression.LessThan(left, right);

    private static Expression<Func<ImageRecord, bool>> ColumnCondition(string column, FilterCondition condition)
    {
        if (condition.Operator == "in")
        {
            var values = condition.Values!.ToArray();
            return column switch
            {
                "name" => i => values.Contains(i.Name!),
                "id" => i => values.Contains(i.Id),
                "status" => i => values.Contains(i.Status),
                "container_format" => i => values.Contains(i.ContainerFormat!),
                _ => i => values.Contains(i.DiskFormat!),
            };
        }
        var value = condition.Value;
        return column switch
        {
            "name" => i => i.Name == value,
            "id" => i => i.Id == value,
            "status" => i => i.Status == value,
            "container_format" => i => i.ContainerFormat == value,
            _ => i => i.DiskFormat == value,
        };
    }

    private static Expression<Func<ImageRecord, bool>> TimeCondition(string column, string op, DateTime threshold)
    {
        var image = Expression.Parameter(typeof(ImageRecord), "i");
        Expression value = column == "created_at"
            ? Expression.Property(image, nameof(ImageRecord.CreatedAt))
            : Expression.Property(image, nameof(ImageRecord.UpdatedAt));
        Expression constant = Expression.Constant(threshold, value.Type == typeof(DateTime) ? typeof(DateTime) : typeof(DateTime?));
        Expression body = op switch
        {
            "gt" => Expression.GreaterThan(value, constant),
            "gte" => Expression.GreaterThanOrEqual(value, constant),
            "lt" => Expression.LessThan(value, constant),
            "lte" => Expression.LessThanOrEqual(value, constant),
            "neq" => Expression.NotEqual(value, constant),
            _ => Expression.Equal(value, constant),
        };
        return Expression.Lambda<Func<ImageRecord, bool>>(body, image);
    }

    private static Expression<Func<ImageRecord, bool>> RangeCondition(string column, bool minimum, long bound) => (column, minimum) switch
    {
        ("size", true) => i => i.Size >= bound,
        ("size", false) => i => i.Size <= bound,
        ("virtual_size", true) => i => i.VirtualSize >= bound,
        ("virtual_size", false) => i => i.VirtualSize <= bound,
        ("min_ram", true) => i => i.MinRam >= bound,
        ("min_ram", false) => i => i.MinRam <= bound,
        ("min_disk", true) => i => i.MinDisk >= bound,
        _ => i => i.MinDisk <= bound,
    };

    private static Expression<Func<ImageRecord, bool>> EqualCondition(string column, string value)
    {
        long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number);
        return column switch
        {
            "owner" => i => i.Owner == value,
            "checksum" => i => i.Checksum == value,
            "os_hash_value" => i => i.OsHashValue == value,
            "os_hash_algo" => i => i.OsHashAlgo == value,
            "min_disk" => i => i.MinDisk == number,
            "min_ram" => i => i.MinRam == number,
            "size" => i => i.Size == number,
            _ => i => i.VirtualSize == number,
        };
    }
}
