namespace Archway.KeystoneAuth.Validation;

/// <summary>Identity could not be reached or answered with an error: broken infrastructure, which becomes a 503.</summary>
internal sealed class IdentityUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
