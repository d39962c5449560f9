namespace Archway.Identity.Bootstrap;

/// <summary>keystone-manage bootstrap's flags, with its defaults.</summary>
public sealed record BootstrapOptions
{
    public required string Password { get; init; }
    public string Username { get; init; } = "admin";
    public string ProjectName { get; init; } = "admin";
    public string RoleName { get; init; } = "admin";
    public string ServiceName { get; init; } = "keystone";
    public string? AdminUrl { get; init; }
    public string? PublicUrl { get; init; }
    public string? InternalUrl { get; init; }
    public string? RegionId { get; init; }
    public bool ImmutableRoles { get; init; } = true;
}
