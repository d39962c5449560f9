using Microsoft.Extensions.Logging;

namespace Archway.Image.Members;

internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Image {ImageId} shared with {Member}")]
    public static partial void MemberAdded(ILogger logger, string imageId, string member);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Member {Member} of image {ImageId} set its status to {Status}")]
    public static partial void MemberStatusChanged(ILogger logger, string imageId, string member, string status);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Image {ImageId} no longer shared with {Member}")]
    public static partial void MemberRemoved(ILogger logger, string imageId, string member);
}
