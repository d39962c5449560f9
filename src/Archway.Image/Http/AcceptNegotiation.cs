using System.Globalization;

namespace Archway.Image.Http;

internal enum ErrorFormat
{
    PlainText,
    Html,
    Json,
}

/// <summary>
/// webob's choice of an error body: the Accept header's best offer among text/html and application/json (the most
/// specific matching range gives an offer its quality; ties go to text/html), plain text when neither is acceptable
/// or the header is missing.
/// </summary>
internal static class AcceptNegotiation
{
    public static ErrorFormat Choose(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return ErrorFormat.PlainText;
        }
        var html = Quality(accept, "text", "html");
        var json = Quality(accept, "application", "json");
        if (html <= 0 && json <= 0)
        {
            return ErrorFormat.PlainText;
        }
        return json > html ? ErrorFormat.Json : ErrorFormat.Html;
    }

    /// <summary>The quality the header gives type/subtype: that of its most specific matching range, 0 if none.</summary>
    private static double Quality(string accept, string type, string subtype)
    {
        var bestSpecificity = -1;
        var quality = 0.0;
        foreach (var part in accept.Split(','))
        {
            var pieces = part.Split(';');
            var range = pieces[0].Trim().ToLowerInvariant();
            var slash = range.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                continue;
            }
            var rangeType = range[..slash];
            var rangeSubtype = range[(slash + 1)..];
            int specificity;
            if (rangeType == "*" && rangeSubtype == "*")
            {
                specificity = 0;
            }
            else if (rangeType == type && rangeSubtype == "*")
            {
                specificity = 1;
            }
            else if (rangeType == type && rangeSubtype == subtype)
            {
                specificity = 2;
            }
            else
            {
                continue;
            }
            var q = 1.0;
            foreach (var parameter in pieces.AsSpan(1))
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && parameter[..equals].Trim().Equals("q", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter[(equals + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    q = parsed;
                }
            }
            if (specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                quality = q;
            }
        }
        return quality;
    }
}
