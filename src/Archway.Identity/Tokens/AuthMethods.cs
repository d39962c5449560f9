namespace Archway.Identity.Tokens;

/// <summary>
/// The bitmask Keystone stores in a token for the methods used to authenticate
/// (keystone/auth/plugins/core.py). Bit i is the i-th name of <c>[auth] methods</c>, so every node
/// that shares tokens must list the methods in the same order.
/// </summary>
/// <remarks>
/// Besides the configured names Keystone (Debian 22.0.2 security update for CVE-2026-80182, and
/// upstream since) reserves two fixed bits for pseudo-methods written by endpoints that are not auth
/// plugins: 2^32 <c>ec2credential</c> and 2^33 <c>oauth2_credential</c>. That is why masks are
/// <see cref="long"/>: msgpack carries them as uint64.
/// </remarks>
internal sealed class AuthMethods
{
    /// <summary>Keystone's pseudo-method bits, fixed and above every configured bit.</summary>
    public const long Ec2CredentialBit = 1L << 32;

    /// <inheritdoc cref="Ec2CredentialBit"/>
    public const long OAuth2CredentialBit = 1L << 33;

    /// <summary>Configured names get bits 2^0..2^31; the pseudo-method bits start at 2^32.</summary>
    public const int MaxConfiguredMethods = 32;

    private readonly (long Bit, string Name)[] _entries;           // configured order, then pseudo-methods
    private readonly (long Bit, string Name)[] _entriesDescending; // Keystone's decode order

    /// <summary>Keystone's default <c>[auth] methods</c>.</summary>
    public static AuthMethods Default { get; } = new(
        ["external", "password", "token", "oauth1", "mapped", "application_credential"]);

    public AuthMethods(IReadOnlyList<string> orderedMethodNames)
    {
        ArgumentNullException.ThrowIfNull(orderedMethodNames);
        if (orderedMethodNames.Count > MaxConfiguredMethods)
        {
            throw new ArgumentException(
                $"At most {MaxConfiguredMethods} auth methods can be configured: Keystone's pseudo-method bits start at 2^32.",
                nameof(orderedMethodNames));
        }

        var names = new string[orderedMethodNames.Count];
        _entries = new (long, string)[names.Length + 2];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = orderedMethodNames[i] ?? throw new ArgumentException("Method names cannot be null.", nameof(orderedMethodNames));
            _entries[i] = (1L << i, names[i]);
        }

        _entries[names.Length] = (Ec2CredentialBit, "ec2credential");
        _entries[names.Length + 1] = (OAuth2CredentialBit, "oauth2_credential");
        _entriesDescending = (ValueTuple<long, string>[])_entries.Clone();
        Array.Sort(_entriesDescending, static (a, b) => b.Item1.CompareTo(a.Item1));
        Names = names;
    }

    /// <summary>The configured names, in configured order (without the pseudo-methods).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The mask for <paramref name="methods"/>. Names that are neither configured nor pseudo-methods
    /// are dropped, as Keystone does. A name given twice counts once (Keystone would add its bit twice).
    /// </summary>
    public long ToMask(IEnumerable<string> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        long mask = 0;
        foreach (var method in methods)
        {
            foreach (var (bit, name) in _entries)
            {
                if (string.Equals(name, method, StringComparison.Ordinal))
                {
                    mask |= bit;
                }
            }
        }

        return mask;
    }

    /// <summary>
    /// The method names in <paramref name="mask"/>, highest bit first, exactly as Keystone's
    /// <c>convert_integer_to_method_list</c> returns them (and so as Keystone shows them in a validated
    /// token). Like Keystone, a mask holding a bit above every known bit yields no names at all.
    /// </summary>
    public IReadOnlyList<string> FromMask(long mask)
    {
        if (mask == 0)
        {
            return [];
        }

        List<string>? methods = null;
        var remaining = mask;
        foreach (var (bit, name) in _entriesDescending)
        {
            // Keystone: int(method_int / m_int) == 1, then subtract.
            if (remaining / bit == 1)
            {
                (methods ??= new List<string>(2)).Add(name);
                remaining -= bit;
            }
        }

        return methods is null ? [] : methods;
    }
}
