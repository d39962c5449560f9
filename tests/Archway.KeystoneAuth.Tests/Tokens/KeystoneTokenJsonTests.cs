using System.Text;
using System.Text.Json;

namespace Archway.KeystoneAuth.Tests.Tokens;

public sealed class KeystoneTokenJsonTests
{
    /// <summary>A token document as Keystone writes it, with a catalog of two regions.</summary>
    private const string Document = """
        {"token": {"methods": ["password"], "user": {"domain": {"id": "default", "name": "Default"}, "id": "u1", "name": "demo", "password_expires_at": null},
         "audit_ids": ["a1"], "expires_at": "2026-11-01T12:00:00.000000Z", "issued_at": "2026-11-01T11:00:00.000000Z",
         "project": {"domain": {"id": "default", "name": "Default"}, "id": "p1", "name": "demo"}, "is_domain": false,
         "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}],
         "catalog": [{"endpoints": [
             {"id": "e1", "interface": "public", "region_id": "One", "url": "http://one:9292", "region": "One"},
             {"id": "e2", "interface": "internal", "region_id": "One", "url": "http://one-int:9292", "region": "One"},
             {"id": "e3", "interface": "public", "region_id": "Two", "url": "http://two:9292", "region": "Two"}],
           "id": "s1", "type": "image", "name": "glance"}]}}
        """;

    [Fact]
    public void Parse_reads_keystones_token_document()
    {
        var token = KeystoneTokenJson.Parse(Encoding.UTF8.GetBytes(Document))!;

        Assert.Equal("u1", token.UserId);
        Assert.Equal("demo", token.UserName);
        Assert.Equal("Default", token.UserDomainName);
        Assert.Equal("p1", token.ProjectId);
        Assert.Equal("default", token.ProjectDomainId);
        Assert.Equal(["member", "reader"], token.Roles.Select(r => r.Name));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), token.ExpiresAt);
        Assert.True(token.IsAdminProject);
        Assert.Null(token.SystemScope);
        Assert.Equal("glance", token.Catalog!.Single().Name);
        Assert.Equal(3, token.Catalog!.Single().Endpoints.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"token": {"user": {"id": "u"}}}""")]
    [InlineData("""{"error": {"code": 404}}""")]
    public void Parse_returns_null_for_what_is_not_a_token(string json) =>
        Assert.Null(KeystoneTokenJson.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Serialize_then_parse_gives_the_same_token()
    {
        var token = KeystoneTokenJson.Parse(Encoding.UTF8.GetBytes(Document))!;

        var again = KeystoneTokenJson.Parse(KeystoneTokenJson.Serialize(token))!;

        Assert.Equal(token with { Roles = [], Catalog = null, Methods = [], AuditIds = [] }, again with { Roles = [], Catalog = null, Methods = [], AuditIds = [] });
        Assert.Equal(token.Roles, again.Roles);
        Assert.Equal(token.Methods, again.Methods);
        Assert.Equal(token.AuditIds, again.AuditIds);
        Assert.Equal(token.Catalog!.Single().Endpoints, again.Catalog!.Single().Endpoints);
    }

    [Fact]
    public void The_catalog_header_has_keystonemiddlewares_v2_shape()
    {
        var token = KeystoneTokenJson.Parse(Encoding.UTF8.GetBytes(Document))!;

        var header = KeystoneTokenJson.ToV2CatalogHeader(token.Catalog!);

        Assert.Equal(
            """[{"type":"image","name":"glance","endpoints":[{"region":"One","publicURL":"http://one:9292","internalURL":"http://one-int:9292"},{"region":"Two","publicURL":"http://two:9292"}]}]""",
            header);
        using var _ = JsonDocument.Parse(header);
    }
}
