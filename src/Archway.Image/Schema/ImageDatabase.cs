using Archway.Data.Database;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Archway.Image.Schema;

/// <summary>The Image service's own database (Glance's <c>glance</c> database): its tables and migrations.</summary>
public sealed class ImageDatabase(DatabaseUrl url)
{
    private static readonly MappingSchema Mapping = new("image");

    public Database Database { get; } = new(url, Mapping, typeof(ImageDatabase).Assembly);

    public DataConnection Open() => Database.Open();
}
