using System.Globalization;
using System.Text.RegularExpressions;
using Archway.Image.Http;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Data;

/// <summary>The part of an image a download sends: from <see cref="Offset"/>, <see cref="Length"/> bytes.</summary>
internal sealed partial record ByteRange(long Offset, long Length, long Last)
{
    /// <summary>
    /// Glance's get_range_from_request and download serializer: one "bytes=a-b", "bytes=a-" or "bytes=-n" range
    /// (several are 400), or the legacy request Content-Range "bytes a-b/n"; null when neither header is sent.
    /// </summary>
    public static (ByteRange? Range, GlanceError? Error) Parse(IHeaderDictionary headers, long size)
    {
        var range = headers.Range.ToString();
        if (range.Length > 0)
        {
            if (range.Contains(',', StringComparison.Ordinal))
            {
                return (null, GlanceError.BadRequest(
                    "Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead."));
            }
            var match = RangePattern().Match(range);
            if (!match.Success || (match.Groups[1].Length == 0 && match.Groups[2].Length == 0))
            {
                return (null, GlanceError.RangeNotSatisfiable("Invalid Range header."));
            }
            long start;
            long? end = null;
            if (match.Groups[1].Length == 0)
            {
                start = -long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else
            {
                start = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                if (match.Groups[2].Length > 0)
                {
                    // webob keeps the end exclusive.
                    end = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1;
                    if (start >= end)
                    {
                        return (null, GlanceError.RangeNotSatisfiable("Invalid Range header."));
                    }
                }
            }
            if (start >= size)
            {
                return (null, GlanceError.RangeNotSatisfiable(
                    $"Invalid start position in Range header. Start position MUST be in the inclusive range [0, {size - 1}]."));
            }
            var offset = start >= 0 ? start : Math.Abs(start) < size ? size + start : 0;
            return end is { } stop && stop < size
                ? (new ByteRange(offset, stop - offset, stop - 1), null)
                : (new ByteRange(offset, size - offset, size - 1), null);
        }
        var contentRange = headers.ContentRange.ToString();
        if (contentRange.Length > 0)
        {
            var match = ContentRangePattern().Match(contentRange);
            if (!match.Success)
            {
                return (null, GlanceError.RangeNotSatisfiable("Invalid Content-Range header."));
            }
            var start = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var stop = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1;
            var unknownLength = match.Groups[3].Value == "*";
            if (start >= stop)
            {
                return (null, GlanceError.RangeNotSatisfiable("Invalid Content-Range header."));
            }
            if (unknownLength && stop > size)
            {
                return (null, GlanceError.RangeNotSatisfiable(
                    $"Invalid stop position in Content-Range header. The stop position MUST be in the inclusive range [0, {size - 1}]."));
            }
            if (start >= size)
            {
                return (null, GlanceError.RangeNotSatisfiable(
                    $"Invalid start position in Content-Range header. Start position MUST be in the inclusive range [0, {size - 1}]."));
            }
            return (new ByteRange(start, stop - start, stop - 1), null);
        }
        return (null, null);
    }

    [GeneratedRegex(@"^\s*bytes *= *(\d*) *- *(\d*)", RegexOptions.IgnoreCase)]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^\s*bytes +(\d+)-(\d+)/(\d+|\*)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ContentRangePattern();
}
