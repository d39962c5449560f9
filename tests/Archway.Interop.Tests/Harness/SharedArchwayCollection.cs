namespace Archway.Interop.Tests.Harness;

/// <summary>
/// The test classes that can share one `archway up`: each test issues, validates or revokes only its own tokens.
/// Tests that stop, restart or rotate keys of a server start their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedArchwayCollection : ICollectionFixture<ArchwayServerFixture>
{
    public const string Name = "Shared archway";
}
