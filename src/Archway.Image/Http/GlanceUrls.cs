using System.Text;
using Archway.Image.Config;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>URLs as Glance builds them: version links from public_endpoint, Location from the request's host.</summary>
internal static class GlanceUrls
{
    /// <summary>[DEFAULT] public_endpoint, else the URL the request came in on (webob's application_url).</summary>
    public static string BaseUrl(HttpRequest request, GlanceOptions options) =>
        options.PublicEndpoint ?? HostUrl(request);

    /// <summary>scheme://host[:port] plus the path base: what webob makes a relative Location absolute with.</summary>
    public static string HostUrl(HttpRequest request) =>
        $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}";

    /// <summary>Python's urllib.parse.urlencode: key=value pairs joined by '&amp;', each part quote_plus-ed.</summary>
    public static string UrlEncode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }
            QuotePlus(text, key);
            text.Append('=');
            QuotePlus(text, value);
        }
        return text.ToString();
    }

    /// <summary>quote_plus: letters, digits and "_.-~" stay, a space becomes '+', every other UTF-8 byte %XX.</summary>
    private static void QuotePlus(StringBuilder text, string value)
    {
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or '.' or '-' or '~'))
            {
                text.Append((char)rune.Value);
            }
            else if (rune.Value == ' ')
            {
                text.Append('+');
            }
            else
            {
                var length = rune.EncodeToUtf8(buffer);
                for (var i = 0; i < length; i++)
                {
                    text.Append('%').Append(buffer[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
