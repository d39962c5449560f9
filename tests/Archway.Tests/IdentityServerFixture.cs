namespace Archway.Tests;

/// <summary>One bootstrapped Identity server shared by a test class whose tests each own their data.</summary>
public sealed class IdentityServerFixture : IAsyncLifetime
{
    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
