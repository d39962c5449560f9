using FluentMigrator;

namespace Archway.Identity.Schema;

/// <summary>Groups and their members, credentials, and the option and tag attributes of users, projects and roles.</summary>
[Migration(2, "identity: groups, memberships, credentials, options and tags")]
public sealed class M0002_GroupsCredentialsOptions : Migration
{
    public override void Up()
    {
        Create.Table("group")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("domain_id").AsString(64).NotNullable()
            .WithColumn("name").AsString(64).NotNullable()
            .WithColumn("description").AsString(int.MaxValue).Nullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();
        Create.UniqueConstraint("ixu_group_name_domain_id").OnTable("group").Columns("domain_id", "name");

        Create.Table("user_group_membership")
            .WithColumn("user_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_user_group_membership_user_id", "user", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("group_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_user_group_membership_group_id", "group", "id").OnDelete(System.Data.Rule.Cascade);
        Create.Index("ix_user_group_membership_group_id").OnTable("user_group_membership").OnColumn("group_id");

        Create.Table("credential")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("user_id").AsString(64).NotNullable()
            .WithColumn("project_id").AsString(64).Nullable()
            .WithColumn("type").AsString(255).NotNullable()
            .WithColumn("encrypted_blob").AsString(int.MaxValue).NotNullable()
            .WithColumn("key_hash").AsString(64).NotNullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();
        Create.Index("ix_credential_user_id").OnTable("credential").OnColumn("user_id");

        Alter.Table("user").AddColumn("options").AsString(int.MaxValue).Nullable();
        Alter.Table("project").AddColumn("tags").AsString(int.MaxValue).Nullable();
        Alter.Table("project").AddColumn("options").AsString(int.MaxValue).Nullable();
        Alter.Table("role").AddColumn("options").AsString(int.MaxValue).Nullable();
    }

    public override void Down()
    {
        Delete.Column("options").FromTable("role");
        Delete.Column("options").FromTable("project");
        Delete.Column("tags").FromTable("project");
        Delete.Column("options").FromTable("user");
        Delete.Table("credential");
        Delete.Table("user_group_membership");
        Delete.Table("group");
    }
}
