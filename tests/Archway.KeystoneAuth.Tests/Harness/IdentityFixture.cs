namespace Archway.KeystoneAuth.Tests.Harness;

/// <summary>One Identity on the test server, shared by a test class whose tests each issue their own tokens.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public IdentityHost Identity { get; private set; } = null!;

    public async Task InitializeAsync() => Identity = await IdentityHost.StartAsync();

    public async Task DisposeAsync() => await Identity.DisposeAsync();
}
