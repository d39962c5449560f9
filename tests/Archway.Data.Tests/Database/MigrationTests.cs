using Archway.Data.Database;
using Archway.Identity.Schema;
using Archway.Image.Schema;
using Archway.Testing;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Mapping;

namespace Archway.Data.Tests.Database;

/// <summary>Both services' migration histories on each engine: create, version, rerun, upgrade in place, integrity.</summary>
public sealed class MigrationTests
{
    [Theory, EngineData("sqlite"), EngineData("mysql"), EngineData("postgres")]
    public void Both_schemas_migrate_to_the_latest_version_and_a_rerun_is_a_no_op(string engine)
    {
        var identityUrl = TestDatabases.Fresh(engine);
        var imageUrl = TestDatabases.Fresh(engine);
        try
        {
            var identity = new IdentityDatabase(identityUrl).Database;
            var image = new ImageDatabase(imageUrl).Database;
            Assert.Equal(0, identity.Version().Applied);
            identity.Migrate();
            image.Migrate();
            var (applied, latest) = identity.Version();
            Assert.Equal(latest, applied);
            Assert.True(latest >= 2);
            Assert.Equal(image.Version().Latest, image.Version().Applied);

            identity.Migrate();
            image.Migrate();
            Assert.Equal((applied, latest), identity.Version());
        }
        finally
        {
            TestDatabases.Drop(identityUrl);
            TestDatabases.Drop(imageUrl);
        }
    }

    [Theory, EngineData("sqlite"), EngineData("mysql"), EngineData("postgres")]
    public void The_runner_is_skipped_only_when_every_migration_is_recorded(string engine)
    {
        var url = TestDatabases.Fresh(engine);
        try
        {
            var database = new IdentityDatabase(url).Database;
            Assert.False(database.IsCurrent());
            database.MigrateTo(1);
            Assert.False(database.IsCurrent());
            database.Migrate();
            Assert.True(database.IsCurrent());
            Assert.Equal(database.Version().Latest, database.Version().Applied);
        }
        finally
        {
            TestDatabases.Drop(url);
        }
    }

    [Theory, EngineData("sqlite"), EngineData("mysql"), EngineData("postgres")]
    public async Task An_identity_database_at_version_1_upgrades_in_place_keeping_its_rows(string engine)
    {
        var url = TestDatabases.Fresh(engine);
        try
        {
            var database = new IdentityDatabase(url).Database;
            database.MigrateTo(1);
            Assert.Equal(1, database.Version().Applied);
            var created = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1_230_000);
            using (var connection = database.Open())
            {
                await connection.InsertAsync(new ProjectRow { Id = "p1", Name = "Default", DomainId = "<<keystone.domain.root>>", IsDomain = true, Enabled = true });
                await connection.InsertAsync(new UserRowAtVersion1 { Id = "u1", DomainId = "p1", Name = "admin", Enabled = true, CreatedAt = created });
            }

            database.Migrate();

            Assert.Equal(database.Version().Latest, database.Version().Applied);
            using (var connection = database.Open())
            {
                var user = await connection.GetTable<UserRow>().SingleAsync();
                Assert.Equal(("u1", "admin", true), (user.Id, user.Name, user.Enabled));
                // Timestamps keep their fraction of a second on every engine (MySQL's plain DATETIME would drop it;
                // linq2db writes SQLite's text timestamps to the millisecond).
                Assert.Equal(created.Ticks, user.CreatedAt.Ticks);
                Assert.Null(user.Options);
                await connection.GetTable<UserRow>().Where(u => u.Id == "u1").Set(u => u.Options, "{}").UpdateAsync();
                Assert.Equal("{}", (await connection.GetTable<UserRow>().SingleAsync()).Options);
                Assert.Equal("Default", (await connection.GetTable<ProjectRow>().SingleAsync()).Name);
            }
        }
        finally
        {
            TestDatabases.Drop(url);
        }
    }

    [Theory, EngineData("sqlite"), EngineData("mysql"), EngineData("postgres")]
    public async Task Unique_and_foreign_key_violations_are_recognised(string engine)
    {
        var url = TestDatabases.Fresh(engine);
        try
        {
            var database = new IdentityDatabase(url).Database;
            database.Migrate();
            using var connection = database.Open();
            await connection.InsertAsync(new UserRow { Id = "u1", DomainId = "default", Name = "alice", Enabled = true, CreatedAt = DateTime.UtcNow });

            var duplicate = await Assert.ThrowsAnyAsync<Exception>(() =>
                connection.InsertAsync(new UserRow { Id = "u2", DomainId = "default", Name = "alice", Enabled = true, CreatedAt = DateTime.UtcNow }));
            Assert.True(DatabaseErrors.IsUniqueViolation(duplicate), duplicate.ToString());
            Assert.False(DatabaseErrors.IsForeignKeyViolation(duplicate));

            var orphan = await Assert.ThrowsAnyAsync<Exception>(() =>
                connection.InsertAsync(new PasswordRow { UserId = "nobody", PasswordHash = "x", CreatedAt = DateTime.UtcNow }));
            Assert.True(DatabaseErrors.IsForeignKeyViolation(orphan), orphan.ToString());
            Assert.False(DatabaseErrors.IsUniqueViolation(orphan));
        }
        finally
        {
            TestDatabases.Drop(url);
        }
    }

    [Theory, EngineData("sqlite"), EngineData("mysql"), EngineData("postgres")]
    public async Task Names_compare_exactly_on_every_engine(string engine)
    {
        var url = TestDatabases.Fresh(engine);
        try
        {
            var database = new IdentityDatabase(url).Database;
            database.Migrate();
            using var connection = database.Open();
            await connection.InsertAsync(new UserRow { Id = "u1", DomainId = "default", Name = "alice", Enabled = true, CreatedAt = DateTime.UtcNow });
            // Differing in case or accent only is another name: found by neither, and no unique-key collision.
            Assert.Equal(0, await connection.GetTable<UserRow>().CountAsync(u => u.Name == "Alice" || u.Name == "alicé"));
            await connection.InsertAsync(new UserRow { Id = "u2", DomainId = "default", Name = "Alice", Enabled = true, CreatedAt = DateTime.UtcNow });
            Assert.Equal(2, await connection.GetTable<UserRow>().CountAsync());
        }
        finally
        {
            TestDatabases.Drop(url);
        }
    }

    [Table("project")]
    private sealed class ProjectRow
    {
        [Column("id"), PrimaryKey] public string Id { get; set; } = "";
        [Column("name")] public string Name { get; set; } = "";
        [Column("enabled")] public bool Enabled { get; set; }
        [Column("domain_id")] public string DomainId { get; set; } = "";
        [Column("is_domain")] public bool IsDomain { get; set; }
    }

    [Table("user")]
    private sealed class UserRow
    {
        [Column("id"), PrimaryKey] public string Id { get; set; } = "";
        [Column("domain_id")] public string DomainId { get; set; } = "";
        [Column("name")] public string Name { get; set; } = "";
        [Column("enabled")] public bool Enabled { get; set; }
        [Column("created_at")] public DateTime CreatedAt { get; set; }
        [Column("options")] public string? Options { get; set; }
    }

    /// <summary>The user table as migration 1 made it, before the options column.</summary>
    [Table("user")]
    private sealed class UserRowAtVersion1
    {
        [Column("id"), PrimaryKey] public string Id { get; set; } = "";
        [Column("domain_id")] public string DomainId { get; set; } = "";
        [Column("name")] public string Name { get; set; } = "";
        [Column("enabled")] public bool Enabled { get; set; }
        [Column("created_at")] public DateTime CreatedAt { get; set; }
    }

    [Table("password")]
    private sealed class PasswordRow
    {
        [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
        [Column("user_id")] public string UserId { get; set; } = "";
        [Column("password_hash")] public string PasswordHash { get; set; } = "";
        [Column("created_at")] public DateTime CreatedAt { get; set; }
    }
}
