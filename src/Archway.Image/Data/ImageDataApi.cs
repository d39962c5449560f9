using System.IO.Pipelines;
using Archway.Image.Http;
using Archway.Image.Images;
using Archway.Image.Policy;
using Archway.Image.Stores;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Data;

/// <summary>
/// /v2/images/{image_id}/file: upload (queued → saving → active, back to queued on any failure with nothing left
/// in the store) and download (whole, or one range), and /stage, which Archway does not serve (no image import).
/// </summary>
internal static class ImageDataApi
{
    public static IEndpointRouteBuilder MapImageDataApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/v2/images/{image_id}/file", UploadAsync);
        routes.MapGet("/v2/images/{image_id}/file", DownloadAsync);
        routes.MapRejection("/v2/images/{image_id}/file", "GET, PUT");
        routes.MapPut("/v2/images/{image_id}/stage", () => GlanceError.NotFound("'glance-direct' method is not available at this site."));
        routes.MapRejection("/v2/images/{image_id}/stage", "PUT");
        return routes;
    }

    private static async Task<IResult> UploadAsync(string image_id, HttpContext context, Caller caller, ImageServices api, ILogger<ImageServices> logger)
    {
        var request = context.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType != "application/octet-stream")
        {
            return GlanceError.UnsupportedMediaType($"Invalid content type {(string.IsNullOrEmpty(mediaType) ? "None" : mediaType)}");
        }
        var aborted = context.RequestAborted;
        await using var db = api.Database.Open();
        var image = await db.FindVisibleAsync(image_id, caller, aborted);
        if (image is null)
        {
            return ImagesApi.NotFound(image_id);
        }
        var access = new ImageAccess(api.Policy, caller, image);
        if (access.Enforce(ImageRule.UploadImage) is { } refused)
        {
            return refused;
        }
        if (access.CheckMutable() is not null)
        {
            return GlanceError.Forbidden($"Not allowed to upload image data for image {image_id}");
        }
        if (!ImageStatus.CanMove(image.Status, ImageStatus.Saving))
        {
            return GlanceError.Conflict(ImageStatus.TransitionRefused(image.Status, ImageStatus.Saving));
        }
        var missing = new[] { ("disk_format", image.Record.DiskFormat), ("container_format", image.Record.ContainerFormat) }
            .Where(f => f.Item2 is null).Select(f => f.Item1).ToList();
        if (missing.Count > 0)
        {
            return GlanceError.BadRequest(missing.Count == 1
                ? $"Property {missing[0]} must be set prior to saving data."
                : $"Properties {string.Join(", ", missing)} must be set prior to saving data.");
        }
        var declared = request.ContentLength is > 0 ? request.ContentLength : null;
        long? remaining = null;
        if (api.Options.UserStorageQuota > 0)
        {
            remaining = api.Options.UserStorageQuota - await db.StorageUsageAsync(caller.ProjectId, image_id, aborted);
            if ((declared ?? 0) > remaining || (declared is null && remaining <= 0))
            {
                return QuotaExceeded(declared, remaining.Value);
            }
        }
        if (declared > api.Options.ImageSizeCap)
        {
            return SizeCapExceeded();
        }

        // Take the image: only one upload may move it from queued to saving.
        var taken = await db.GetTable<ImageRecord>()
            .Where(i => i.Id == image_id && !i.Deleted && i.Status == ImageStatus.Queued)
            .Set(i => i.Status, ImageStatus.Saving)
            .Set(i => i.UpdatedAt, api.Now())
            .UpdateAsync(aborted);
        if (taken == 0)
        {
            var now = await db.GetTable<ImageRecord>().Where(i => i.Id == image_id).Select(i => i.Status).FirstOrDefaultAsync(aborted);
            return GlanceError.Conflict(ImageStatus.TransitionRefused(now ?? ImageStatus.Deleted, ImageStatus.Saving));
        }
        Log.UploadStarted(logger, image_id, declared);

        var writer = api.Stores.Default.Create(image_id)!;
        await using (writer)
        {
            CopyResult copied;
            try
            {
                var inspector = new DiskInspector(image.Record.DiskFormat, image.Record.ContainerFormat);
                copied = await HashingCopier.CopyAsync(request.Body, writer, api.Options.HashingAlgorithm, api.Options.ImageSizeCap, remaining, inspector, aborted);
            }
            catch (UploadInterruptedException e)
            {
                // The client went away or sent less than it announced: nothing of it stays.
                await writer.AbortAsync();
                await RestoreAsync(api, image_id);
                Log.UploadAborted(logger, image_id, e.Message);
                return GlanceError.BadRequest($"Image {image_id} upload was interrupted: {e.Message}");
            }
            catch (IOException e) when (e.HResult == DiskFull)
            {
                await writer.AbortAsync();
                await RestoreAsync(api, image_id);
                Log.StoreFull(logger, image_id, e.Message);
                return GlanceError.TooLarge($"Image storage media is full: {e.Message}");
            }
            catch
            {
                await writer.AbortAsync();
                await RestoreAsync(api, image_id);
                throw;
            }
            if (copied.Exceeded is { } limit)
            {
                await writer.AbortAsync();
                await RestoreAsync(api, image_id);
                Log.UploadRefused(logger, image_id, limit.ToString());
                return limit == UploadLimit.SizeCap ? SizeCapExceeded() : QuotaExceeded(copied.Size, remaining ?? 0);
            }
            await writer.CommitAsync(CancellationToken.None);

            // Two uploads to different images of one project may each have fitted alone: check again with both stored.
            if (api.Options.UserStorageQuota > 0)
            {
                var left = api.Options.UserStorageQuota - await db.StorageUsageAsync(caller.ProjectId, image_id, CancellationToken.None);
                if (copied.Size > left)
                {
                    await api.Stores.DeleteAsync(writer.Location, CancellationToken.None);
                    await RestoreAsync(api, image_id);
                    return QuotaExceeded(copied.Size, left);
                }
            }

            // Only now, with the bytes in the store, does the image become active with its checksums.
            if (!await ActivateAsync(api, image_id, writer.Location, copied))
            {
                await api.Stores.DeleteAsync(writer.Location, CancellationToken.None);
                return GlanceError.Gone($"Image {image_id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.");
            }
            Log.UploadFinished(logger, image_id, copied.Size);
        }
        return Results.NoContent();
    }

    /// <summary>ENOSPC, as .NET reports it in an IOException's HResult on Linux.</summary>
    private const int DiskFull = 28;

    private static async Task<bool> ActivateAsync(ImageServices api, string imageId, string location, CopyResult copied)
    {
        var now = api.Now();
        await using var db = api.Database.Open();
        await using var transaction = await db.BeginTransactionAsync();
        var rows = await db.GetTable<ImageRecord>()
            .Where(i => i.Id == imageId && !i.Deleted && i.Status == ImageStatus.Saving)
            .Set(i => i.Status, ImageStatus.Active)
            .Set(i => i.Size, copied.Size)
            .Set(i => i.VirtualSize, i => i.VirtualSize ?? copied.VirtualSize)
            .Set(i => i.Checksum, copied.Md5)
            .Set(i => i.OsHashAlgo, api.Options.HashingAlgorithm)
            .Set(i => i.OsHashValue, copied.Hash)
            .Set(i => i.UpdatedAt, now)
            .UpdateAsync();
        if (rows == 0)
        {
            return false;
        }
        await db.InsertAsync(new ImageLocationRecord { ImageId = imageId, Value = location, MetaData = "{}", Status = ImageLocationRecord.Active, CreatedAt = now });
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>Glance's _restore: a failed upload puts the image back to queued, without a size.</summary>
    private static async Task RestoreAsync(ImageServices api, string imageId)
    {
        await using var db = api.Database.Open();
        await db.GetTable<ImageRecord>()
            .Where(i => i.Id == imageId && !i.Deleted && i.Status == ImageStatus.Saving)
            .Set(i => i.Status, ImageStatus.Queued)
            .Set(i => i.Size, (long?)null)
            .Set(i => i.VirtualSize, (long?)null)
            .Set(i => i.UpdatedAt, api.Now())
            .UpdateAsync();
    }

    private static GlanceError SizeCapExceeded() =>
        GlanceError.TooLarge("The incoming image is too large: The provided image is too large.");

    private static GlanceError QuotaExceeded(long? size, long remaining) =>
        GlanceError.TooLarge($"Image exceeds the storage quota: The size of the data {(size is null ? "None" : size.ToString())} will exceed the limit. {remaining} bytes remaining.");

    private static async Task<IResult> DownloadAsync(string image_id, HttpContext context, Caller caller, ImageServices api, ILogger<ImageServices> logger)
    {
        var aborted = context.RequestAborted;
        var image = await ImagesApi.FindAsync(api, image_id, caller, aborted);
        if (image is null)
        {
            return ImagesApi.NotFound(image_id);
        }
        if (image.Status == ImageStatus.Deactivated && !caller.IsAdmin)
        {
            return GlanceError.Forbidden("The requested image has been deactivated. Image data download is forbidden.");
        }
        if (new ImageAccess(api.Policy, caller, image).Enforce(ImageRule.DownloadImage) is { } refused)
        {
            return refused;
        }
        if (image.Locations.Count == 0)
        {
            return Results.NoContent();
        }
        var size = image.Record.Size;
        ByteRange? range = null;
        if (size is { } known)
        {
            var (parsed, rangeError) = ByteRange.Parse(context.Request.Headers, known);
            if (rangeError is not null)
            {
                return rangeError;
            }
            range = parsed;
        }
        foreach (var location in image.Locations)
        {
            var store = api.Stores.For(location.Value);
            if (store is null)
            {
                continue;
            }
            if (range is not null && !store.SupportsRandomAccess)
            {
                return GlanceError.BadRequest($"Getting images randomly from this store is not supported. Offset: {range.Offset}, length: {range.Length}");
            }
            var stream = await api.Stores.OpenReadAsync(location.Value, range?.Offset ?? 0, range?.Length, aborted);
            if (stream is null)
            {
                Log.LocationUnreadable(logger, image_id, location.Value);
                continue;
            }
            return new ImageDataResult(stream, range, size, image.Record.Checksum);
        }
        // Glance answers 204 when the store has nothing at any location.
        return Results.NoContent();
    }

    /// <summary>Streams image data: 200 or 206 with Content-Range, Content-MD5 (hex, as Glance sends it) and Content-Length.</summary>
    private sealed class ImageDataResult(Stream data, ByteRange? range, long? size, string? checksum) : IResult
    {
        private const int DownloadReadSize = 256 * 1024;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using var source = data;
            var response = httpContext.Response;
            response.StatusCode = range is null ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
            response.ContentType = "application/octet-stream";
            if (range is not null)
            {
                response.Headers.ContentRange = $"bytes {range.Offset}-{range.Last}/{size}";
            }
            if (checksum is not null)
            {
                response.Headers.ContentMD5 = checksum;
            }
            var length = range?.Length ?? size;
            if (length is not null)
            {
                response.ContentLength = length;
            }
            await response.StartAsync(httpContext.RequestAborted);
            await CopyAsync(source, response.BodyWriter, length, httpContext.RequestAborted);
        }

        /// <summary>
        /// Reads the store straight into the response's pipe: the bytes go from the page cache to the pipe and from the
        /// pipe to the socket, with no buffer of ours in between to copy through (a third of a download's memory
        /// traffic). The Image host lets Kestrel hold 2 MiB unsent, so the next read runs while the last is sent;
        /// 256 KiB reads measured a little faster than 1 MiB ones, the piece being still in cache when it is sent.
        /// </summary>
        private static async Task CopyAsync(Stream source, PipeWriter destination, long? length, CancellationToken cancellationToken)
        {
            var left = length ?? long.MaxValue;
            while (left > 0)
            {
                var memory = destination.GetMemory(DownloadReadSize);
                var read = await source.ReadAsync(memory[..(int)Math.Min(memory.Length, left)], cancellationToken);
                if (read == 0)
                {
                    break;
                }
                destination.Advance(read);
                left -= read;
                var flushed = await destination.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    // The client is gone.
                    break;
                }
            }
        }
    }
}
