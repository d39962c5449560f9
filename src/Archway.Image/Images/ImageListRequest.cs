using System.Globalization;
using Archway.Image.Config;
using Archway.Image.Http;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Images;

/// <summary>A comparison on a column: eq, neq, gt, gte, lt, lte, or in (a list).</summary>
internal sealed record FilterCondition(string Operator, string Value, IReadOnlyList<string>? Values = null);

/// <summary>
/// GET /v2/images's query, parsed as Glance's RequestDeserializer.index and its database layer read it: limit,
/// marker, member_status, repeated tag, sort (sort=k:dir,... or repeated sort_key/sort_dir, never both), visibility,
/// os_hidden, protected, and every other parameter a filter on a column or, failing that, on a custom property.
/// </summary>
internal sealed class ImageListRequest
{
    public static readonly string[] SortKeys = ["name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"];

    public int Limit { get; private init; }
    public string? Marker { get; private init; }
    public string MemberStatus { get; private init; } = "accepted";
    public string? Visibility { get; private set; }
    public bool OsHidden { get; private set; }
    public bool? Protected { get; private set; }
    public List<string> Tags { get; } = [];
    public List<(string Key, string Direction)> Sort { get; } = [];

    /// <summary>name, id, status, container_format, disk_format: eq or in:.</summary>
    public Dictionary<string, FilterCondition> Columns { get; } = new(StringComparer.Ordinal);

    /// <summary>created_at, updated_at: eq, neq, gt, gte, lt, lte against an ISO 8601 time (UTC).</summary>
    public Dictionary<string, (string Operator, DateTime Value)> Times { get; } = new(StringComparer.Ordinal);

    /// <summary>size_min, size_max, min_ram_min, ...: inclusive bounds.</summary>
    public List<(string Column, bool Minimum, long Value)> Ranges { get; } = [];

    /// <summary>owner, checksum, os_hash_value, os_hash_algo, min_disk, min_ram, size, virtual_size: equality.</summary>
    public Dictionary<string, string> Equal { get; } = new(StringComparer.Ordinal);

    /// <summary>Anything else: a custom property with exactly this value.</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    private static readonly string[] RangeColumns = ["size", "virtual_size", "min_ram", "min_disk"];
    private static readonly string[] EqualColumns = ["owner", "checksum", "os_hash_value", "os_hash_algo", "min_disk", "min_ram", "size", "virtual_size"];

    public static (ImageListRequest? Request, GlanceError? Error) Parse(IQueryCollection query, GlanceOptions options)
    {
        // Glance pops the first value of limit, marker, member_status; filters keep the last value of a repeated key.
        string? First(string key) => query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

        var limitText = First("limit");
        var limit = options.LimitParamDefault;
        if (limitText is not null)
        {
            if (!int.TryParse(limitText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                return (null, GlanceError.BadRequest("limit param must be an integer"));
            }
            if (limit < 0)
            {
                return (null, GlanceError.BadRequest("limit param must be positive"));
            }
        }
        var memberStatus = First("member_status") ?? "accepted";
        if (memberStatus is not ("pending" or "accepted" or "rejected" or "all"))
        {
            return (null, GlanceError.BadRequest($"Invalid status: {memberStatus}"));
        }
        var request = new ImageListRequest
        {
            Limit = Math.Min(options.ApiLimitMax, limit),
            Marker = First("marker"),
            MemberStatus = memberStatus,
        };
        foreach (var tag in query["tag"])
        {
            request.Tags.Add(tag!.Trim());
        }
        if (request.ParseSort(query) is { } sortError)
        {
            return (null, sortError);
        }

        foreach (var (key, values) in query)
        {
            if (key is "limit" or "marker" or "member_status" or "tag" or "sort" or "sort_key" or "sort_dir" || values.Count == 0)
            {
                continue;
            }
            if (request.AddFilter(key, values[^1]!) is { } error)
            {
                return (null, error);
            }
        }
        return (request, null);
    }

    private GlanceError? ParseSort(IQueryCollection query)
    {
        if (query.ContainsKey("sort"))
        {
            if (query.ContainsKey("sort_key") || query.ContainsKey("sort_dir"))
            {
                return GlanceError.BadRequest("Old and new sorting syntax cannot be combined");
            }
            foreach (var part in query["sort"][0]!.Trim().Split(','))
            {
                var colon = part.IndexOf(':', StringComparison.Ordinal);
                var key = (colon < 0 ? part : part[..colon]).Trim();
                var direction = colon < 0 || part[(colon + 1)..].Length == 0 ? "desc" : part[(colon + 1)..].Trim();
                if ((CheckSortKey(key) ?? CheckSortDirection(direction)) is { } error)
                {
                    return error;
                }
                Sort.Add((key, direction));
            }
            return null;
        }
        var keys = query["sort_key"].Select(k => k!.Trim()).ToList();
        var directions = query["sort_dir"].Select(d => d!.Trim()).ToList();
        foreach (var key in keys)
        {
            if (CheckSortKey(key) is { } error)
            {
                return error;
            }
        }
        foreach (var direction in directions)
        {
            if (CheckSortDirection(direction) is { } error)
            {
                return error;
            }
        }
        if (directions.Count > 1 && directions.Count != keys.Count)
        {
            return GlanceError.BadRequest("Number of sort dirs does not match the number of sort keys");
        }
        if (keys.Count == 0)
        {
            keys.Add("created_at");
        }
        for (var i = 0; i < keys.Count; i++)
        {
            // One sort_dir applies to every key; none means desc.
            var direction = directions.Count == 0 ? "desc" : directions.Count == 1 ? directions[0] : directions[i];
            Sort.Add((keys[i], direction));
        }
        return null;
    }

    private static GlanceError? CheckSortKey(string key) => Array.IndexOf(SortKeys, key) >= 0
        ? null
        : GlanceError.BadRequest($"Invalid sort key: {key}. It must be one of the following: {string.Join(", ", SortKeys)}.");

    private static GlanceError? CheckSortDirection(string direction) =>
        direction is "asc" or "desc" ? null : GlanceError.BadRequest($"Invalid sort direction: {direction}");

    private GlanceError? AddFilter(string key, string value)
    {
        switch (key)
        {
            case "visibility":
                if (value.Length == 0)
                {
                    return null;
                }
                if (value is not ("community" or "public" or "private" or "shared" or "all"))
                {
                    return GlanceError.BadRequest($"Invalid visibility value: {value}");
                }
                Visibility = value;
                return null;
            case "changes-since":
                return value.Length == 0 ? null : GlanceError.BadRequest("The \"changes-since\" filter is no longer available on v2.");
            case "os_hidden":
                var hidden = value.ToLowerInvariant();
                if (hidden is not ("true" or "false"))
                {
                    return GlanceError.BadRequest($"Invalid value '{hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
                }
                OsHidden = hidden == "true";
                return null;
            case "protected":
                if (value is not ("true" or "false"))
                {
                    return GlanceError.BadRequest($"Invalid value '{value}' for 'protected' filter. Valid values are 'true' or 'false'.");
                }
                Protected = value == "true";
                return null;
            case "created_at" or "updated_at":
                var (timeOp, isoTime) = SplitFilterOperator(value);
                if (!TryParseIsoTime(isoTime, out var threshold))
                {
                    return GlanceError.BadRequest($"Bad \"{key}\" query filter format. Use ISO 8601 DateTime notation.");
                }
                if (timeOp is not ("gt" or "gte" or "lt" or "lte" or "neq" or "eq"))
                {
                    return GlanceError.BadRequest("Unable to filter on a unknown operator.");
                }
                Times[key] = (timeOp, threshold);
                return null;
            case "name" or "id" or "status" or "container_format" or "disk_format":
                var (op, operand) = SplitFilterOperator(value);
                if (op == "in")
                {
                    var (values, error) = SplitInList(operand);
                    if (error is not null)
                    {
                        return error;
                    }
                    Columns[key] = new FilterCondition("in", operand, values);
                    return null;
                }
                if (op != "eq")
                {
                    return GlanceError.BadRequest($"Unable to filter by unknown operator '{op}'.");
                }
                Columns[key] = new FilterCondition("eq", operand);
                return null;
        }
        if ((key.EndsWith("_min", StringComparison.Ordinal) || key.EndsWith("_max", StringComparison.Ordinal))
            && Array.IndexOf(RangeColumns, key[..^4]) >= 0)
        {
            if (!long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
            {
                return GlanceError.BadRequest("Unable to filter on a range with a non-numeric value.");
            }
            Ranges.Add((key[..^4], key.EndsWith("_min", StringComparison.Ordinal), bound));
            return null;
        }
        if (Array.IndexOf(EqualColumns, key) >= 0)
        {
            if (key is "min_disk" or "min_ram" or "size" or "virtual_size" && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                return GlanceError.BadRequest($"Invalid value '{value}' for parameter '{key}': it must be an integer");
            }
            Equal[key] = value;
            return null;
        }
        Properties[key] = value;
        return null;
    }

    /// <summary>
    /// Glance's split_filter_op: "op:value"; no colon, or a value that is itself an ISO 8601 time (which has
    /// colons), is equality.
    /// </summary>
    public static (string Operator, string Value) SplitFilterOperator(string expression)
    {
        var colon = expression.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || TryParseIsoTime(expression, out _))
        {
            return ("eq", expression);
        }
        return (expression[..colon], expression[(colon + 1)..]);
    }

    /// <summary>Glance's split_filter_value_for_quotes: a comma-separated list where "quoted, items" keep commas.</summary>
    public static (List<string>? Values, GlanceError? Error) SplitInList(string value)
    {
        var open = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '"' || (i > 0 && value[i - 1] == '\\'))
            {
                continue;
            }
            if (!open && i > 0 && value[i - 1] != ',')
            {
                return (null, GlanceError.BadRequest($"Invalid filter value {value}. There is no comma before opening quotation mark."));
            }
            if (open && i + 1 != value.Length && value[i + 1] != ',')
            {
                return (null, GlanceError.BadRequest($"Invalid filter value {value}. There is no comma after closing quotation mark."));
            }
            open = !open;
        }
        if (open)
        {
            return (null, GlanceError.BadRequest($"Invalid filter value {value}. The quote is not closed."));
        }
        var values = new List<string>();
        var position = 0;
        while (position < value.Length)
        {
            if (value[position] == '"')
            {
                var end = position + 1;
                while (end < value.Length && value[end] != '"')
                {
                    end += value[end] == '\\' ? 2 : 1;
                }
                values.Add(value[(position + 1)..Math.Min(end, value.Length)]);
                position = end + 1;
                if (position < value.Length && value[position] == ',')
                {
                    position++;
                }
            }
            else if (value[position] == ',')
            {
                values.Add("");
                position++;
            }
            else
            {
                var comma = value.IndexOf(',', position);
                var end = comma < 0 ? value.Length : comma;
                values.Add(value[position..end]);
                position = comma < 0 ? value.Length : comma + 1;
            }
        }
        return (values, null);
    }

    /// <summary>iso8601.parse_date as Glance uses it: a date and time, UTC unless an offset is given.</summary>
    public static bool TryParseIsoTime(string text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 10 || !char.IsAsciiDigit(text[0]))
        {
            return false;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }
        utc = parsed.UtcDateTime;
        return true;
    }
}
