using FluentMigrator;

namespace Archway.Identity.Schema;

/// <summary>
/// The Identity tables that authentication needs: domains and projects (one table, as Keystone keeps them), users
/// and their passwords, roles, implied roles, role assignments, the catalog, and revocation events. Names follow
/// Keystone's schema so operators recognise them.
/// </summary>
[Migration(1, "identity core: projects, users, roles, assignments, catalog, revocation")]
public sealed class M0001_IdentityCore : Migration
{
    public override void Up()
    {
        Create.Table("project")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("name").AsString(64).NotNullable()
            .WithColumn("description").AsString(int.MaxValue).Nullable()
            .WithColumn("enabled").AsBoolean().NotNullable()
            .WithColumn("domain_id").AsString(64).NotNullable()
            .WithColumn("parent_id").AsString(64).Nullable()
            .WithColumn("is_domain").AsBoolean().NotNullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();
        Create.UniqueConstraint("ixu_project_name_domain_id").OnTable("project").Columns("domain_id", "name");

        Create.Table("user")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("domain_id").AsString(64).NotNullable()
            .WithColumn("name").AsString(255).NotNullable()
            .WithColumn("enabled").AsBoolean().NotNullable()
            .WithColumn("default_project_id").AsString(64).Nullable()
            .WithColumn("description").AsString(int.MaxValue).Nullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable()
            .WithColumn("created_at").AsDateTime().NotNullable()
            .WithColumn("last_active_at").AsDateTime().Nullable()
            .WithColumn("failed_auth_count").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("failed_auth_at").AsDateTime().Nullable();
        Create.UniqueConstraint("ixu_user_domain_id_name").OnTable("user").Columns("domain_id", "name");

        Create.Table("password")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("user_id").AsString(64).NotNullable()
                .ForeignKey("fk_password_user_id", "user", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("password_hash").AsString(255).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable()
            .WithColumn("expires_at").AsDateTime().Nullable()
            .WithColumn("self_service").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.Index("ix_password_user_id").OnTable("password").OnColumn("user_id");

        Create.Table("role")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("name").AsString(255).NotNullable()
            .WithColumn("domain_id").AsString(64).NotNullable()
            .WithColumn("description").AsString(255).Nullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();
        Create.UniqueConstraint("ixu_role_name_domain_id").OnTable("role").Columns("name", "domain_id");

        Create.Table("implied_role")
            .WithColumn("prior_role_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_implied_role_prior_role_id", "role", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("implied_role_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_implied_role_implied_role_id", "role", "id").OnDelete(System.Data.Rule.Cascade);

        Create.Table("assignment")
            .WithColumn("type").AsString(16).NotNullable().PrimaryKey()
            .WithColumn("actor_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("target_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("role_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_assignment_role_id", "role", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("inherited").AsBoolean().NotNullable().PrimaryKey();
        Create.Index("ix_assignment_actor_id").OnTable("assignment").OnColumn("actor_id");

        Create.Table("system_assignment")
            .WithColumn("type").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("actor_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("target_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("role_id").AsString(64).NotNullable().PrimaryKey()
                .ForeignKey("fk_system_assignment_role_id", "role", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("inherited").AsBoolean().NotNullable().PrimaryKey();

        Create.Table("region")
            .WithColumn("id").AsString(255).PrimaryKey()
            .WithColumn("description").AsString(255).NotNullable().WithDefaultValue("")
            .WithColumn("parent_region_id").AsString(255).Nullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();

        Create.Table("service")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("type").AsString(255).NotNullable()
            .WithColumn("enabled").AsBoolean().NotNullable()
            .WithColumn("name").AsString(255).Nullable()
            .WithColumn("description").AsString(int.MaxValue).Nullable()
            .WithColumn("extra").AsString(int.MaxValue).Nullable();

        Create.Table("endpoint")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("interface").AsString(8).NotNullable()
            .WithColumn("service_id").AsString(64).NotNullable()
                .ForeignKey("fk_endpoint_service_id", "service", "id")
            .WithColumn("url").AsString(int.MaxValue).NotNullable()
            .WithColumn("enabled").AsBoolean().NotNullable()
            .WithColumn("region_id").AsString(255).Nullable()
                .ForeignKey("fk_endpoint_region_id", "region", "id")
            .WithColumn("extra").AsString(int.MaxValue).Nullable();

        Create.Table("revocation_event")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("domain_id").AsString(64).Nullable()
            .WithColumn("project_id").AsString(64).Nullable()
            .WithColumn("user_id").AsString(64).Nullable()
            .WithColumn("role_id").AsString(64).Nullable()
            .WithColumn("trust_id").AsString(64).Nullable()
            .WithColumn("consumer_id").AsString(64).Nullable()
            .WithColumn("access_token_id").AsString(64).Nullable()
            .WithColumn("issued_before").AsDateTime().NotNullable()
            .WithColumn("expires_at").AsDateTime().Nullable()
            .WithColumn("revoked_at").AsDateTime().NotNullable()
            .WithColumn("audit_id").AsString(32).Nullable()
            .WithColumn("audit_chain_id").AsString(32).Nullable();
        Create.Index("ix_revocation_event_revoked_at").OnTable("revocation_event").OnColumn("revoked_at");
    }

    public override void Down()
    {
        foreach (var table in new[] { "revocation_event", "endpoint", "service", "region", "system_assignment",
                     "assignment", "implied_role", "role", "password", "user", "project" })
        {
            Delete.Table(table);
        }
    }
}
