using Archway.Identity.Catalog;

namespace Archway.Tests.Catalog;

/// <summary>
/// Keystone's check_endpoint_url: each case was run through keystone.common.utils.check_endpoint_url (Keystone 22)
/// to get the expected answer.
/// </summary>
public sealed class EndpointUrlTests
{
    [Theory]
    [InlineData("http://controller:9292", true)]
    [InlineData("http://a/$(project_id)s", true)]
    [InlineData("http://a/$(tenant_id)s/$(user_id)s", true)]
    [InlineData("http://a/%(project_id)s", true)]
    [InlineData("http://a/$(user_id)r", true)]
    [InlineData("http://a/$(user_id)10s", true)]
    [InlineData("http://a/%(user_id)-#08.3s", true)]
    [InlineData("http://a/%(public_port)s", true)]
    [InlineData("http://a/%(project_id)ls", true)]
    [InlineData("http://a/%%", true)]
    [InlineData("http://a/%20s", true)]
    [InlineData("http://a/%s", true)]
    [InlineData("http://a/%5.2s", true)]
    [InlineData("http://a/%-5s", true)]
    [InlineData("http://a/%ls", true)]
    [InlineData("http://a/%r", true)]
    [InlineData("http://a/%a", true)]
    [InlineData("http://a/% s", true)]
    [InlineData("http://a/%.s", true)]
    [InlineData("http://a/%s%(project_id)s", true)]
    [InlineData("http://a/%(project_id)s%(project_id)s", true)]
    [InlineData("http://a/%20b", false)]
    [InlineData("http://a/%s%s", false)]
    [InlineData("http://a/%", false)]
    [InlineData("http://a/$(project_id)d", false)]
    [InlineData("http://a/$(foo)s", false)]
    [InlineData("http://a/$(project_id)", false)]
    [InlineData("http://a/$(project_id", false)]
    [InlineData("http://a/%d", false)]
    [InlineData("http://a/%*s", false)]
    [InlineData("http://a/%.*s", false)]
    [InlineData("http://a/%(x", false)]
    [InlineData("http://a/%c", false)]
    [InlineData("http://a/%(project_id)c", false)]
    [InlineData("http://a/%(project_id)s%s", false)]
    [InlineData("http://a/%(x)(y)s", false)]
    [InlineData("http://a/%((x))s", false)]
    [InlineData("http://a/%(project_id)%", false)]
    [InlineData("http://a/%(a)(b)", false)]
    [InlineData("http://a/%5%", false)]
    [InlineData("http://a/%ll s", false)]
    [InlineData("http://a/%99999999999999999999s", false)]
    public void Urls_are_judged_as_keystone_judges_them(string url, bool valid) =>
        Assert.Equal(valid, EndpointUrl.IsValid(url));
}
