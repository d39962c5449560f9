using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>Reading operators' policy files: the YAML flat mapping and JSON, and what is refused.</summary>
public sealed class PolicyFileReaderTests
{
    [Fact]
    public void Reads_the_yaml_that_oslopolicy_sample_generator_writes()
    {
        const string yaml = """
            # Intended scope(s): system, domain, project
            # Show user details.
            # GET  /v3/users/{user_id}
            # HEAD  /v3/users/{user_id}
            #"identity:get_user": "(rule:admin_required) or (role:reader and system_scope:all)"

            "identity:get_user": "rule:admin_required or user_id:%(target.user.id)s"
            "identity:list_users": 'role:reader and domain_id:%(target.domain_id)s'
            identity:create_user: rule:admin_required   # plain, with a comment
            "identity:delete_user": "!"
            "identity:list_regions": ""
            """;
        var rules = Read(yaml);
        Assert.Equal(
            [
                ("identity:get_user", "rule:admin_required or user_id:%(target.user.id)s"),
                ("identity:list_users", "role:reader and domain_id:%(target.domain_id)s"),
                ("identity:create_user", "rule:admin_required"),
                ("identity:delete_user", "!"),
                ("identity:list_regions", string.Empty),
            ],
            rules.Select(r => (r.Name, r.Text!)));
        Assert.Equal([7, 8, 9, 10, 11], rules.Select(r => r.Line));
    }

    [Theory]
    [InlineData("a: \"x\\ty\\u00e9\\\\\\\"\"", "x\ty\u00e9\\\"")]
    [InlineData("a: 'it''s'", "it's")]
    [InlineData("a: role:a or\n  role:b", "role:a or role:b")]
    [InlineData("a: \"role:a or\n    role:b\"", "role:a or role:b")]
    [InlineData("a: 'x\n\n  y'", "x\ny")]
    [InlineData("a: \"x\\\n  y\"", "xy")]
    [InlineData("a:\n  role:admin", "role:admin")]
    [InlineData("a: x#y", "x#y")]
    [InlineData("a: (role:a or role:b) and not role:c", "(role:a or role:b) and not role:c")]
    [InlineData("---\na: x\n...", "x")]
    [InlineData("\ufeffa: x\r\n", "x")]
    public void Scalars_read_as_pyyaml_reads_them(string yaml, string value) => Assert.Equal(value, Assert.Single(Read(yaml)).Text);

    [Theory]
    [InlineData("a: !", "cannot start with '!'")]
    [InlineData("a: @", "cannot start with '@'")]
    [InlineData("a: %(x)s", "cannot start with '%'")]
    [InlineData("a:", "has no value")]
    [InlineData("a: ~", "reads as null")]
    [InlineData("a: yes", "reads as a boolean")]
    [InlineData("a: 42", "reads as an integer")]
    [InlineData("a: role:x or role: y", "nested mapping")]
    [InlineData("a: [role:x]", "lists and mappings are not supported")]
    [InlineData("a: |\n  role:x", "block scalars")]
    [InlineData("a: \"open", "never closed")]
    [InlineData("a: \"x\" y", "after the closing quote")]
    [InlineData("a: \"\\q\"", "unknown escape")]
    [InlineData("- a", "not a list")]
    [InlineData("\ta: x", "a tab")]
    [InlineData("a: x\n\tb: y", "line 2")]
    [InlineData("a: x\n  b: y", "nested mapping")]
    [InlineData("a: x\n---\nb: y", "second YAML document")]
    [InlineData("a: x\na: y", "defined more than once")]
    [InlineData("true: x", "reads as a boolean")]
    [InlineData("just text", "expected \"name: check string\"")]
    public void Yaml_that_is_not_a_flat_mapping_of_check_strings_is_an_error(string yaml, string problem)
    {
        var errors = new List<string>();
        PolicyFileReader.Read(yaml, errors);
        Assert.Contains(errors, e => e.Contains(problem, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("line ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_line_is_reported_and_good_lines_are_still_read()
    {
        var errors = new List<string>();
        var rules = PolicyFileReader.Read("a: !\nb: role:x\nc: @\nd:\ne: 'ok'\n", errors);
        Assert.Equal(["b", "e"], rules.Select(r => r.Name));
        Assert.Equal(["line 1", "line 3", "line 4"], errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Json_is_read_when_the_whole_file_is_json()
    {
        var rules = Read("""{"a": "role:x", "b": [["role:y", "role:z"], "role:w"], "c": []}""");
        Assert.Equal("role:x", rules[0].Text);
        Assert.Equal([["role:y", "role:z"], ["role:w"]], rules[1].Alternatives!.Select(a => a.ToArray()));
        Assert.Empty(rules[2].Alternatives!);
    }

    [Theory]
    [InlineData("""{"a": 1}""", "not a JSON number")]
    [InlineData("""{"a": null}""", "not a JSON null")]
    [InlineData("""{"a": [[1]]}""", "every check must be a string")]
    [InlineData("""{"a": [{}]}""", "each element must be a check string or a list")]
    [InlineData("""{"a": "x", "a": "y"}""", "defined more than once")]
    [InlineData("""["a"]""", "must be a mapping")]
    public void Json_values_that_are_not_rules_are_errors(string json, string problem)
    {
        var errors = new List<string>();
        PolicyFileReader.Read(json, errors);
        Assert.Contains(errors, e => e.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("false")]
    [InlineData("0")]
    public void Empty_files_have_no_rules(string text) => Assert.Empty(Read(text));

    private static List<PolicyFileRule> Read(string text)
    {
        var errors = new List<string>();
        var rules = PolicyFileReader.Read(text, errors);
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        return rules;
    }
}
