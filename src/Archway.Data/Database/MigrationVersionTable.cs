using FluentMigrator.Runner.VersionTableInfo;

namespace Archway.Data.Database;

/// <summary>Where each database records the migrations applied to it (one history per service database).</summary>
internal sealed class MigrationVersionTable : IVersionTableMetaData
{
    public bool OwnsSchema => true;
    public string SchemaName => string.Empty;
    public string TableName => "archway_migrate_version";
    public string ColumnName => "version";
    public string DescriptionColumnName => "description";
    public string UniqueIndexName => "uc_archway_migrate_version";
    public string AppliedOnColumnName => "applied_on";
    public bool CreateWithPrimaryKey => false;
}
