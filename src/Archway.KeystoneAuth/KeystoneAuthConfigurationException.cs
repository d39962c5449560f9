namespace Archway.KeystoneAuth;

/// <summary>The <c>[keystone_authtoken]</c> options cannot be used; <see cref="Problems"/> lists every reason at once.</summary>
public sealed class KeystoneAuthConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid [keystone_authtoken] configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
