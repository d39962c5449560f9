using Archway.Identity.Assignments;
using Archway.Identity.Auth;
using Archway.Identity.Bootstrap;
using Archway.Identity.Catalog;
using Archway.Identity.Config;
using Archway.Identity.Credentials;
using Archway.Identity.Http;
using Archway.Identity.Passwords;
using Archway.Identity.Policy;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Identity.Users;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Archway.Identity;

/// <summary>The Identity service's composition: what it registers and the routes it serves.</summary>
public static class IdentityService
{
    public static IServiceCollection AddIdentityService(this IServiceCollection services, KeystoneOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new IdentityDatabase(options.Database));
        services.AddSingleton(new AuthMethods(options.AuthMethods));
        services.AddSingleton(sp => new FernetTokenFormatter(
            new FernetKeyRepository(options.FernetKeyRepository, options.FernetMaxActiveKeys),
            sp.GetRequiredService<AuthMethods>(),
            sp.GetRequiredService<TimeProvider>(),
            options.DefaultDomainId));
        services.AddSingleton(new PasswordHasher(options.PasswordHashAlgorithm, options.PasswordHashRounds));
        services.AddSingleton<RevocationList>();
        services.AddSingleton<IdentityStateCache>();
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, IdentityStateInvalidation>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<Bootstrapper>();
        services.AddSingleton<PasswordRules>();
        // Built now, so that a bad policy file stops start-up with every problem listed.
        services.AddSingleton(PolicyEnforcer.Create(new PolicyOptions
        {
            EnforceScope = options.EnforceScope,
            EnforceNewDefaults = options.EnforceNewDefaults,
            PolicyFile = options.PolicyFile,
        }));
        services.AddSingleton<ApiAccess>();
        services.AddSingleton<GrantApi.GrantContext>();
        services.AddSingleton<CredentialCipher>();
        services.AddHostedService<TokenStateRefresher>();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        routes.MapVersionApi();
        routes.MapAuthApi();
        routes.MapDomainApi();
        routes.MapProjectApi();
        routes.MapProjectTagApi();
        routes.MapUserApi();
        routes.MapGroupApi();
        routes.MapRoleApi();
        routes.MapGrantApi();
        routes.MapRoleAssignmentApi();
        routes.MapRegionApi();
        routes.MapServiceApi();
        routes.MapEndpointApi();
        routes.MapCredentialApi();
        return routes;
    }
}
