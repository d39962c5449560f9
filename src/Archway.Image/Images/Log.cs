using Microsoft.Extensions.Logging;

namespace Archway.Image.Images;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Image {ImageId} created for owner {Owner}")]
    public static partial void ImageCreated(ILogger logger, string imageId, string? owner);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Image {ImageId} updated ({Changes} changes)")]
    public static partial void ImageUpdated(ILogger logger, string imageId, int changes);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Image {ImageId} deleted")]
    public static partial void ImageDeleted(ILogger logger, string imageId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Image {ImageId} status changed from {From} to {To}")]
    public static partial void ImageStatusChanged(ILogger logger, string imageId, string from, string to);
}
