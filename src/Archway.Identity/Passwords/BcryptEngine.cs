namespace Archway.Identity.Passwords;

/// <summary>Which bcrypt implementation computes a hash. Both give identical results; tests pin one.</summary>
internal enum BcryptEngine
{
    /// <summary>libxcrypt when <see cref="LibXCrypt.IsAvailable"/> and it succeeds, otherwise BCrypt.Net-Next.</summary>
    Auto,

    /// <summary>Only libxcrypt; a hash fails when it is missing.</summary>
    LibXCrypt,

    /// <summary>Only BCrypt.Net-Next.</summary>
    BCryptNet,
}
