using Microsoft.Extensions.Logging;

namespace Archway.Identity.Policy;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Policy {Action} failed scope check. The token used to make the request was {TokenScope} scoped but the policy requires {RuleScopes} scope. Set [oslo_policy] enforce_scope = true to deny such requests")]
    public static partial void ScopeMismatch(ILogger logger, string action, string tokenScope, string ruleScopes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy: {Problem}")]
    public static partial void RuleWarning(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The policy file {Path} does not exist; using Keystone's default policies")]
    public static partial void PolicyFileMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read the policy file {Path}")]
    public static partial void PolicyFileRead(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} policy overrides from {Source}")]
    public static partial void OverridesApplied(ILogger logger, int count, string source);
}
