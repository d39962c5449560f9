using Archway.Data.Database;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Archway.Identity.Schema;

/// <summary>The Identity service's own database (Keystone's <c>keystone</c> database): its tables and migrations.</summary>
public sealed class IdentityDatabase(DatabaseUrl url)
{
    private static readonly MappingSchema Mapping = new("identity");

    public Database Database { get; } = new(url, Mapping, typeof(IdentityDatabase).Assembly);

    public DataConnection Open() => Database.Open();
}
