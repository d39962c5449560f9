namespace Archway.Interop.Tests.Harness;

/// <summary>
/// One `archway up` shared by the tests of a class: started once before them, stopped after them. Tests that use it
/// only issue, validate or revoke their own tokens, which does not disturb one another.
/// </summary>
public sealed class ArchwayServerFixture : IAsyncLifetime
{
    /// <summary>Quotes, a dollar, spaces and a hash: admin-openrc must quote it for a shell.</summary>
    public const string AdminPassword = "Interop pa$$ 'quoted' #1";

    private ArchwayServer? _server;

    public ArchwayServer Server => _server ?? throw new InvalidOperationException("the fixture is not initialized");

    public async Task InitializeAsync() => _server = await ArchwayServer.StartAsync(AdminPassword);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
