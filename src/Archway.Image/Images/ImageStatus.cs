namespace Archway.Image.Images;

/// <summary>
/// Glance's image statuses and <c>Image.valid_state_targets</c>: the only moves an image's status may make.
/// queued → saving → active is an upload; saving → queued is a failed one, which Glance (v2) lets the client retry.
/// </summary>
internal static class ImageStatus
{
    public const string Queued = "queued";
    public const string Saving = "saving";
    public const string Active = "active";
    public const string Killed = "killed";
    public const string Deleted = "deleted";
    public const string PendingDelete = "pending_delete";
    public const string Deactivated = "deactivated";
    public const string Uploading = "uploading";
    public const string Importing = "importing";

    public static IReadOnlyList<string> All { get; } =
        [Queued, Saving, Active, Killed, Deleted, Uploading, Importing, PendingDelete, Deactivated];

    private static readonly Dictionary<string, string[]> Targets = new(StringComparer.Ordinal)
    {
        [Queued] = [Saving, Uploading, Importing, Active, Deleted],
        [Saving] = [Active, Killed, Deleted, Queued],
        [Uploading] = [Importing, Queued, Deleted],
        [Importing] = [Active, Deleted, Queued],
        [Active] = [PendingDelete, Deleted, Deactivated],
        [Killed] = [Deleted],
        [PendingDelete] = [Deleted, Active],
        [Deleted] = [],
        [Deactivated] = [Active, Deleted],
    };

    public static bool CanMove(string from, string to) =>
        Targets.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    /// <summary>Glance's InvalidImageStatusTransition message.</summary>
    public static string TransitionRefused(string from, string to) =>
        $"Image status transition from {from} to {to} is not allowed";
}
