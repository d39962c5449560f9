using System.Text.Json;
using System.Text.Json.Nodes;
using Archway.Image.Config;
using Archway.Image.Images;
using Archway.Image.Schemas;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Archway.Image.Tests.Images;

/// <summary>
/// The same PATCH bodies and list queries through Glance's own RequestDeserializer (python3-glance) and through
/// Archway's parsers: the same operations come out, or the same status and message.
/// </summary>
public sealed class GlanceDeserializerTests(ITestOutputHelper output)
{
    private const string V21 = JsonPatch.MediaType21;
    private const string V20 = JsonPatch.MediaType20;

    public static readonly TheoryData<string, string> PatchBodies = new()
    {
        { V21, """[{"op": "replace", "path": "/name", "value": "n"}]""" },
        { V21, """[{"op": "add", "path": "/custom", "value": "v"}, {"op": "remove", "path": "/other"}]""" },
        { V21, """[{"op": "add", "path": "/a~1b~0c", "value": "v"}]""" },
        { V21, """[{"op": "add", "path": "/ spaced ", "value": "v"}]""" },
        { V21, """[{"op": "replace", "path": "/tags", "value": ["a", "b"]}]""" },
        { V21, """[{"op": "replace", "path": "/min_ram", "value": 5}]""" },
        { V21, """[{"op": "replace", "path": "/protected", "value": true}]""" },
        { V21, """[{"op": "replace", "path": "/visibility", "value": "community"}]""" },
        { V21, """[{"op": "replace", "path": "/kernel_id", "value": null}]""" },
        { V21, """[{"op": "replace", "path": "/kernel_id", "value": "not-a-uuid"}]""" },
        { V21, """[{"op": "add", "path": "/locations/-", "value": {"url": "http://x/y", "metadata": {}}}]""" },
        { V21, """[{"op": "add", "path": "/locations", "value": {"url": "http://x/y", "metadata": {}}}]""" },
        { V21, """[{"op": "remove", "path": "/locations/0"}]""" },
        { V21, """[{"op": "replace", "path": "/locations", "value": []}]""" },
        { V21, """[{"op": "replace", "path": "/status", "value": "active"}]""" },
        { V21, """[{"op": "remove", "path": "/checksum"}]""" },
        { V21, """[{"op": "add", "path": "/os_glance_x", "value": "v"}]""" },
        { V21, """[{"op": "add", "path": "/deleted", "value": "v"}]""" },
        { V21, """[{"op": "replace", "path": "/name", "value": "ok"}, {"op": "replace", "path": "/id", "value": "x"}]""" },
        { V21, "{}" },
        { V21, "[1]" },
        { V21, """[{"path": "/name"}]""" },
        { V21, """[{"op": "copy", "path": "/name", "value": "x"}]""" },
        { V21, """[{"op": "add", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "name", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/a//b", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/a/", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/a~", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/a~3", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/a/b", "value": "x"}]""" },
        { V21, """[{"op": "add", "path": "/name"}]""" },
        { V21, """[{"op": "replace", "path": "/disk_format", "value": "floppy"}]""" },
        { V21, """[{"op": "replace", "path": "/name", "value": 1}]""" },
        { V21, """[{"op": "add", "path": "/custom", "value": 1}]""" },
        { V20, """[{"replace": "/name", "value": "n"}]""" },
        { V20, """[{"add": "/x", "value": "n"}, {"remove": "/y"}]""" },
        { V20, """[{"add": "/x", "remove": "/x"}]""" },
        { V20, """[{"value": "n"}]""" },
        { "application/json", """[{"op": "replace", "path": "/name", "value": "n"}]""" },
    };

    [Theory]
    [MemberData(nameof(PatchBodies))]
    public async Task Patch_bodies_parse_as_glance_parses_them(string contentType, string body)
    {
        if (!await GlancePython.EnsureAvailableAsync(output))
        {
            return;
        }
        var glance = (await GlancePatches.Value)[PatchIndex(contentType, body)]!;
        var schemas = new SchemaDocuments(Options());
        int status;
        string? message = null;
        List<PatchChange>? changes = null;
        if (JsonPatch.DraftVersion(contentType) is not { } draft)
        {
            status = 415;
        }
        else
        {
            var (parsed, error) = JsonPatch.Parse(JsonDocument.Parse(body).RootElement.Clone(), draft, schemas);
            status = error?.Code ?? 200;
            message = error?.Explanation;
            changes = parsed;
        }
        Assert.Equal((int)glance["status"]!, status);
        if (status == 200)
        {
            var expected = glance["changes"]!.AsArray()
                .Select(c => $"{c!["op"]} /{string.Join('/', c["path"]!.AsArray().Select(p => (string?)p))} {c["value"]?.ToJsonString() ?? "null"}");
            var actual = changes!.Select(c => $"{c.Op} /{string.Join('/', c.Path)} {(c.Value.ValueKind == JsonValueKind.Undefined ? "null" : JsonNode.Parse(c.Value.GetRawText())?.ToJsonString() ?? "null")}");
            Assert.Equal(expected, actual);
        }
        else if (status != 415)
        {
            // jsonschema's message goes on with the failing schema fragment, pretty-printed by Python; Archway sends
            // its first line.
            Assert.Equal(((string?)glance["message"])!.Split("\n\nFailed validating")[0], message);
        }
    }

    public static readonly TheoryData<string> ListQueries = new()
    {
        "", "limit=5", "limit=0", "limit=x", "limit=-3", "marker=abc", "member_status=all", "member_status=nope",
        "sort_key=name", "sort_key=name&sort_dir=asc", "sort_key=name&sort_key=size&sort_dir=asc",
        "sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc", "sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc",
        "sort_key=owner", "sort_dir=sideways", "sort=name", "sort=name:asc,size:desc", "sort=name:up", "sort=bogus:asc",
        "sort=name&sort_key=size", "visibility=all", "visibility=public", "visibility=nobody", "changes-since=2020-01-01",
        "tag=a&tag=b", "name=in:a,b",
    };

    [Theory]
    [MemberData(nameof(ListQueries))]
    public async Task List_queries_parse_as_glance_parses_them(string query)
    {
        if (!await GlancePython.EnsureAvailableAsync(output))
        {
            return;
        }
        var glance = (await GlanceQueries.Value)[((IEnumerable<object[]>)ListQueries).Select(row => (string)row[0]).ToList().IndexOf(query)]!;
        var parsedQuery = new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + query)
            .ToDictionary(p => p.Key, p => p.Value));
        var (request, error) = ImageListRequest.Parse(parsedQuery, Options());
        Assert.Equal((int)glance["status"]!, error?.Code ?? 200);
        if (error is not null)
        {
            Assert.Equal((string?)glance["message"], error.Explanation);
            return;
        }
        var keys = glance["sort_key"]!.AsArray().Select(k => (string)k!).ToList();
        var directions = glance["sort_dir"]!.AsArray().Select(d => (string)d!).ToList();
        // Glance's database layer applies a single direction to every key.
        var expected = keys.Select((k, i) => (k, directions.Count == 1 ? directions[0] : directions[i]));
        Assert.Equal(expected, request!.Sort);
        Assert.Equal((string?)glance["member_status"], request.MemberStatus);
        Assert.Equal((string?)glance["marker"], request.Marker);
        if (glance["limit"] is { } limit)
        {
            Assert.Equal((int)limit, request.Limit);
        }
        var tags = glance["filters"]!["tags"]?.AsArray().Select(t => (string)t!).ToList() ?? [];
        Assert.Equal(tags, request.Tags);
    }

    /// <summary>Glance's answers to every case at once: one Python process, not one per case.</summary>
    private static readonly Lazy<Task<JsonArray>> GlancePatches = new(() => GlancePython.RunAsync(
        ((IEnumerable<object[]>)PatchBodies).Select(row => new JsonObject { ["op"] = "patch", ["content_type"] = (string)row[0], ["body"] = (string)row[1] }).ToArray()));

    private static readonly Lazy<Task<JsonArray>> GlanceQueries = new(() => GlancePython.RunAsync(
        ((IEnumerable<object[]>)ListQueries).Select(row => new JsonObject { ["op"] = "list_query", ["query"] = (string)row[0] }).ToArray()));

    private static int PatchIndex(string contentType, string body) =>
        ((IEnumerable<object[]>)PatchBodies).Select(row => ((string)row[0], (string)row[1])).ToList().IndexOf((contentType, body));

    private static GlanceOptions Options() => ImageServer.LoadOptions("", Path.GetTempPath());
}
