using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>The policy language's grammar: what each rule parses to (printed as oslo.policy prints its trees).</summary>
public sealed class CheckParserTests
{
    [Theory]
    [InlineData("", "@")]
    [InlineData("@", "@")]
    [InlineData("!", "!")]
    [InlineData("role:admin", "role:admin")]
    [InlineData("rule:admin_required", "rule:admin_required")]
    [InlineData("user_id:%(target.user.id)s", "user_id:%(target.user.id)s")]
    [InlineData("not role:admin", "not role:admin")]
    [InlineData("role:a and role:b", "(role:a and role:b)")]
    [InlineData("role:a or role:b", "(role:a or role:b)")]
    [InlineData("role:a and role:b and role:c", "(role:a and role:b and role:c)")]
    [InlineData("role:a or role:b or role:c", "(role:a or role:b or role:c)")]
    [InlineData("AND_is_a_kind:x", "AND_is_a_kind:x")]
    public void Parses_each_construct(string rule, string tree) => Assert.Equal(tree, Parse(rule));

    [Theory]
    [InlineData("role:a or role:b and role:c", "(role:a or (role:b and role:c))")]
    [InlineData("role:a and role:b or role:c", "((role:a and role:b) or role:c)")]
    [InlineData("role:a and role:b or role:c and role:d", "((role:a and role:b) or (role:c and role:d))")]
    [InlineData("role:a or role:b and role:c and role:d or role:e", "(role:a or (role:b and role:c and role:d) or role:e)")]
    [InlineData("not role:a and role:b", "(not role:a and role:b)")]
    [InlineData("not role:a or role:b", "(not role:a or role:b)")]
    [InlineData("role:a or not role:b and role:c", "(role:a or (not role:b and role:c))")]
    [InlineData("not not role:a", "not not role:a")]
    public void Not_binds_tighter_than_and_which_binds_tighter_than_or(string rule, string tree) => Assert.Equal(tree, Parse(rule));

    [Theory]
    [InlineData("(role:a or role:b) and role:c", "((role:a or role:b) and role:c)")]
    [InlineData("role:a and (role:b or role:c)", "(role:a and (role:b or role:c))")]
    [InlineData("not (role:a or role:b)", "not (role:a or role:b)")]
    [InlineData("((role:a))", "role:a")]
    [InlineData("(role:a and role:b) and role:c", "((role:a and role:b) and role:c)")]
    [InlineData("role:a or (role:b and role:c) and role:d", "(role:a or (role:b and role:c and role:d))")]
    [InlineData("(role:a)and(role:b)", "role:a)and(role:b")]
    public void Parentheses_group_and_are_peeled_off_each_word(string rule, string tree)
    {
        // Only whitespace separates words, and only leading '(' and trailing ')' are peeled, so
        // "(role:a)and(role:b)" is the single check role:"a)and(role:b", as in oslo.policy.
        Assert.Equal(tree, Parse(rule));
    }

    [Theory]
    [InlineData("role:a AND role:b", "(role:a and role:b)")]
    [InlineData("role:a Or role:b", "(role:a or role:b)")]
    [InlineData("NOT role:a", "not role:a")]
    [InlineData("role:a\tand\n  role:b", "(role:a and role:b)")]
    public void Operators_ignore_case_and_any_whitespace_separates(string rule, string tree) => Assert.Equal(tree, Parse(rule));

    [Theory]
    [InlineData("role:admin or")]
    [InlineData("or role:admin")]
    [InlineData("role:admin role:member")]
    [InlineData("(role:admin")]
    [InlineData("role:admin)")]
    [InlineData("()")]
    [InlineData("(")]
    [InlineData("not")]
    [InlineData(" ")]
    [InlineData("'role:admin'")]
    [InlineData("role:a and or role:b")]
    public void Unparsable_rules_are_errors_and_deny(string rule)
    {
        var context = new ParseContext();
        var check = CheckParser.ParseText(rule, context);
        Assert.Same(FalseCheck.Instance, check);
        Assert.Single(context.Errors);
        Assert.Contains($"cannot parse \"{rule}\"", context.Errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "is not a check")]
    [InlineData("role:a or admin", "is not a check")]
    [InlineData("http://policy.example/check:x", "remote http checks are not supported")]
    [InlineData("https:x", "remote https checks are not supported")]
    [InlineData("user_id:%s", "%-format other than %(name)s")]
    [InlineData("user_id:%(x)d", "conversion other than s")]
    [InlineData("user_id:100%", "lone '%'")]
    [InlineData("user_id:%(x", "unclosed %( key")]
    [InlineData("1.2.3:x", "neither a Python literal nor a credential attribute")]
    [InlineData("01:x", "neither a Python literal nor a credential attribute")]
    [InlineData("[1]:x", "not support")]
    [InlineData("b'x':x", "not support")]
    [InlineData("user_id.name:x", "holds text, not a mapping")]
    [InlineData("token.user.id.x:y", "holds text, not a mapping")]
    [InlineData(":x", "empty kind")]
    public void Bad_checks_are_errors(string rule, string problem)
    {
        var context = new ParseContext();
        CheckParser.ParseText(rule, context);
        Assert.Contains(context.Errors, e => e.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tenant_id:%(project_id)s")]
    [InlineData("token.methods:password")]
    [InlineData("Role:admin")]
    public void Credentials_keystone_does_not_provide_warn_and_never_match(string rule)
    {
        var context = new ParseContext();
        var check = CheckParser.ParseText(rule, context);
        Assert.Empty(context.Errors);
        Assert.Single(context.Warnings);
        Assert.False(check.Evaluate(Persona.SystemAdmin.Credentials, new Dictionary<string, object?> { ["project_id"] = "p1" }));
    }

    [Fact]
    public void Every_error_of_a_rule_is_reported()
    {
        var context = new ParseContext();
        CheckParser.ParseText("admin or user_id:%s or https:x", context);
        Assert.Equal(3, context.Errors.Count);
    }

    [Fact]
    public void Rule_references_are_collected_for_linking()
    {
        var context = new ParseContext();
        CheckParser.ParseText("rule:a or (rule:b and not rule:c)", context);
        Assert.Equal(["a", "b", "c"], context.References.Select(r => r.Name));
    }

    [Fact]
    public void A_value_keeps_everything_after_the_first_colon()
    {
        var context = new ParseContext();
        var check = CheckParser.ParseText("role:compute:admin", context);
        Assert.Equal("role:compute:admin", check.ToString());
        Assert.True(check.Evaluate(new PolicyCredentials { Roles = ["compute:admin"] }, PolicyTarget.Empty));
    }

    [Theory]
    [InlineData("[]", "@")]
    [InlineData("[[]]", "!")]
    [InlineData("[\"\"]", "!")]
    [InlineData("[\"role:a\"]", "role:a")]
    [InlineData("[[\"role:a\", \"role:b\"]]", "(role:a and role:b)")]
    [InlineData("[[\"role:a\", \"role:b\"], \"role:c\"]", "((role:a and role:b) or role:c)")]
    [InlineData("[[\"role:a\"], [], [\"role:b\"]]", "(role:a or role:b)")]
    [InlineData("[[\"role:a or role:b\"]]", "role:a or role:b")]
    public void The_legacy_list_of_lists_form_is_an_or_of_ands_of_single_checks(string json, string tree)
    {
        var errors = new List<string>();
        var rule = Assert.Single(PolicyFileReader.Read($"{{\"r\": {json}}}", errors));
        Assert.Empty(errors);
        var context = new ParseContext();
        Assert.Equal(tree, CheckParser.ParseList(rule.Alternatives!, context).ToString());
        Assert.Empty(context.Errors);
    }

    [Fact]
    public void Every_keystone_default_parses_without_problems()
    {
        foreach (var rule in KeystonePolicyDefaults.Rules)
        {
            foreach (var text in new[] { rule.CheckString, rule.DeprecatedRule?.CheckString }.OfType<string>())
            {
                var context = new ParseContext();
                CheckParser.ParseText(text, context);
                Assert.True(context.Errors.Count == 0 && context.Warnings.Count == 0, $"{rule.Name}: {string.Join("; ", context.Errors.Concat(context.Warnings))}");
            }
        }
    }

    private static string Parse(string rule)
    {
        var context = new ParseContext();
        var check = CheckParser.ParseText(rule, context);
        Assert.Empty(context.Errors);
        return check.ToString();
    }
}
