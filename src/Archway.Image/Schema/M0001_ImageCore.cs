using FluentMigrator;

namespace Archway.Image.Schema;

/// <summary>
/// Glance's image tables, with its table and column names so that operators recognise them: images (kept, marked
/// deleted, when an image is deleted, so that its id is never reused), their custom properties, tags, members
/// and store locations.
/// </summary>
[Migration(1, "image core: images, properties, tags, members, locations")]
public sealed class M0001_ImageCore : Migration
{
    public override void Up()
    {
        Create.Table("images")
            .WithColumn("id").AsString(36).PrimaryKey()
            .WithColumn("name").AsString(255).Nullable()
            .WithColumn("size").AsInt64().Nullable()
            .WithColumn("virtual_size").AsInt64().Nullable()
            .WithColumn("status").AsString(30).NotNullable()
            .WithColumn("visibility").AsString(20).NotNullable()
            .WithColumn("disk_format").AsString(20).Nullable()
            .WithColumn("container_format").AsString(20).Nullable()
            .WithColumn("checksum").AsString(32).Nullable()
            .WithColumn("os_hash_algo").AsString(64).Nullable()
            .WithColumn("os_hash_value").AsString(128).Nullable()
            .WithColumn("owner").AsString(255).Nullable()
            .WithColumn("min_disk").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("min_ram").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("protected").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("os_hidden").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("created_at").AsDateTime().NotNullable()
            .WithColumn("updated_at").AsDateTime().Nullable()
            .WithColumn("deleted_at").AsDateTime().Nullable()
            .WithColumn("deleted").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.Index("ix_images_owner").OnTable("images").OnColumn("owner");
        Create.Index("ix_images_visibility").OnTable("images").OnColumn("visibility");
        Create.Index("ix_images_created_at").OnTable("images").OnColumn("created_at");
        Create.Index("checksum_image_idx").OnTable("images").OnColumn("checksum");
        Create.Index("os_hash_value_image_idx").OnTable("images").OnColumn("os_hash_value");
        Create.Index("ix_images_deleted").OnTable("images").OnColumn("deleted");

        Create.Table("image_properties")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("image_id").AsString(36).NotNullable()
                .ForeignKey("fk_image_properties_image_id", "images", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("name").AsString(255).NotNullable()
            .WithColumn("value").AsString(int.MaxValue).Nullable()
            .WithColumn("created_at").AsDateTime().NotNullable();
        Create.UniqueConstraint("ix_image_properties_image_id_name").OnTable("image_properties").Columns("image_id", "name");
        Create.Index("ix_image_properties_name").OnTable("image_properties").OnColumn("name");

        Create.Table("image_tags")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("image_id").AsString(36).NotNullable()
                .ForeignKey("fk_image_tags_image_id", "images", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("value").AsString(255).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable();
        Create.UniqueConstraint("ix_image_tags_image_id_value").OnTable("image_tags").Columns("image_id", "value");
        Create.Index("ix_image_tags_value").OnTable("image_tags").OnColumn("value");

        Create.Table("image_members")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("image_id").AsString(36).NotNullable()
                .ForeignKey("fk_image_members_image_id", "images", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("member").AsString(255).NotNullable()
            .WithColumn("can_share").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable()
            .WithColumn("updated_at").AsDateTime().Nullable();
        Create.UniqueConstraint("image_members_image_id_member").OnTable("image_members").Columns("image_id", "member");
        Create.Index("ix_image_members_member").OnTable("image_members").OnColumn("member");

        Create.Table("image_locations")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("image_id").AsString(36).NotNullable()
                .ForeignKey("fk_image_locations_image_id", "images", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("value").AsString(int.MaxValue).NotNullable()
            .WithColumn("meta_data").AsString(int.MaxValue).NotNullable()
            .WithColumn("status").AsString(30).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable();
        Create.Index("ix_image_locations_image_id").OnTable("image_locations").OnColumn("image_id");
    }

    public override void Down()
    {
        foreach (var table in new[] { "image_locations", "image_members", "image_tags", "image_properties", "images" })
        {
            Delete.Table(table);
        }
    }
}
