using Archway.Identity.Policy;
using BenchmarkDotNet.Attributes;

namespace Archway.Benchmarks;

/// <summary>One decision of Keystone's default policy, as every API call makes one.</summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private readonly PolicyEnforcer _enforcer = PolicyEnforcer.Create(new PolicyOptions());
    private readonly Dictionary<string, object?> _target = new() { ["target.project.id"] = "p1", ["target.project.domain_id"] = "default" };
    private readonly PolicyCredentials _member = new()
    {
        UserId = "u1",
        UserDomainId = "default",
        ProjectId = "p1",
        ProjectDomainId = "default",
        Roles = ["member", "reader"],
    };

    [Benchmark]
    public bool GetProjectAsMember() => _enforcer.Enforce("identity:get_project", _member, _target).Outcome == PolicyOutcome.Allowed;

    [Benchmark]
    public bool ListUsersAsMember() => _enforcer.Enforce("identity:list_users", _member, PolicyTarget.Empty).Outcome == PolicyOutcome.Allowed;
}
