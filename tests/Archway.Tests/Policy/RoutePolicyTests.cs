using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Archway.Tests.Policy;

/// <summary>
/// Every Identity route, as each persona (system, domain and project admin/member/reader, and a user with no role),
/// against targets in the caller's own and another domain or project: allowed exactly when Keystone 22's default
/// policies, enforced by Keystone's own oslo.policy, allow it; denied with 403 and Keystone's message otherwise.
/// </summary>
public abstract class RoutePolicyTests(PersonaWorld world)
{
    private const string DeniedMessage = "You are not authorized to perform the requested action";

    [Theory]
    [MemberData(nameof(RoutePolicyCases.Keys), MemberType = typeof(RoutePolicyCases))]
    public async Task Each_persona_is_allowed_or_denied_as_keystone_decides(string route)
    {
        var builder = RoutePolicyCases.Routes[route];
        var runs = new List<(Persona Persona, Probe Probe, int Status, string Body)>();
        foreach (var persona in world.Personas)
        {
            foreach (var probe in await builder(world, persona))
            {
                using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Path);
                request.Headers.Add("X-Auth-Token", persona.Token);
                foreach (var (name, value) in probe.Headers)
                {
                    request.Headers.Add(name, value);
                }
                if (probe.Body is not null)
                {
                    request.Content = new StringContent(probe.Body, Encoding.UTF8, "application/json");
                }
                using var response = await world.Server.Client.SendAsync(request);
                runs.Add((persona, probe, (int)response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        }
        var verdicts = await world.Oracle.AskAsync([.. runs.Select(r => new OracleCheck(r.Probe.Action, r.Probe.Policy, r.Persona.Creds))]);

        var failures = new List<string>();
        for (var i = 0; i < runs.Count; i++)
        {
            var (persona, probe, status, body) = runs[i];
            var deniedByPolicy = status == 403 && (probe.Method == "HEAD" || PolicyDenial(body));
            var where = $"{persona} {probe.Method} {probe.Path} ({probe.Variant})";
            if (!verdicts[i])
            {
                if (!deniedByPolicy)
                {
                    failures.Add($"{where}: Keystone denies {probe.Action}, Archway answered {status} {Shorten(body)}");
                }
                continue;
            }
            if (!probe.Success.Contains(status) || (deniedByPolicy && probe.Method != "HEAD"))
            {
                failures.Add($"{where}: Keystone allows {probe.Action ?? "(unenforced)"}, Archway answered {status} {Shorten(body)}");
            }
            else if (probe.Check is not null && status is >= 200 and < 300 && await probe.Check(JsonDocument.Parse(body).RootElement) is { } wrong)
            {
                failures.Add($"{where}: {wrong}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {runs.Count} probes disagree with Keystone:\n" + string.Join("\n", failures));
    }

    private static bool PolicyDenial(string body)
    {
        try
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            return error.GetProperty("code").GetInt32() == 403
                && error.GetProperty("title").GetString() == "Forbidden"
                && error.GetProperty("message").GetString()!.StartsWith(DeniedMessage, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

public sealed class RoutePolicyZedDefaultsTests(ZedDefaultsWorld world) : RoutePolicyTests(world), IClassFixture<ZedDefaultsWorld>;

public sealed class RoutePolicySecureRbacTests(SecureRbacWorld world) : RoutePolicyTests(world), IClassFixture<SecureRbacWorld>;

/// <summary>No Identity route goes without persona cases: a new route fails here until RoutePolicyCases covers it.</summary>
public sealed class RoutePolicyCoverageTests
{
    [Fact]
    public async Task Every_registered_identity_route_has_persona_cases()
    {
        await using var server = await IdentityServer.StartAsync();
        var registered = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in server.Services.GetServices<EndpointDataSource>())
        {
            foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
            {
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
                foreach (var method in methods)
                {
                    registered.Add($"{method} {endpoint.RoutePattern.RawText}");
                }
            }
        }
        Assert.True(registered.Count > 100, $"only {registered.Count} routes found: {string.Join(", ", registered)}");
        var missing = registered.Where(route => !RoutePolicyCases.Routes.ContainsKey(route)).ToList();
        var stale = RoutePolicyCases.Routes.Keys.Where(route => !registered.Contains(route)).ToList();
        Assert.True(missing.Count == 0, "routes without persona cases:\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "persona cases for routes that do not exist:\n" + string.Join("\n", stale));
    }
}
