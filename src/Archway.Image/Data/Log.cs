using Microsoft.Extensions.Logging;

namespace Archway.Image.Data;

internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Upload to image {ImageId} started ({Declared} bytes announced)")]
    public static partial void UploadStarted(ILogger logger, string imageId, long? declared);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Upload to image {ImageId} finished: {Size} bytes, image active")]
    public static partial void UploadFinished(ILogger logger, string imageId, long size);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Upload to image {ImageId} interrupted ({Reason}); the image is queued again and the partial data removed")]
    public static partial void UploadAborted(ILogger logger, string imageId, string reason);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Upload to image {ImageId} refused: {Limit} exceeded; the image is queued again")]
    public static partial void UploadRefused(ILogger logger, string imageId, string limit);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Upload to image {ImageId} failed: the image store is full ({Reason})")]
    public static partial void StoreFull(ILogger logger, string imageId, string reason);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Image {ImageId} has no readable data at {Location}")]
    public static partial void LocationUnreadable(ILogger logger, string imageId, string location);
}
