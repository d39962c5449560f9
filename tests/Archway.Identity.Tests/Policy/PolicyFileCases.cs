namespace Archway.Identity.Tests.Policy;

/// <summary>
/// Policy file texts for the comparison with oslo.policy's reader (JSON, then PyYAML). <c>Stricter</c> marks
/// files oslo reads but Archway rejects on purpose: duplicate names, and YAML that flat policy files do not need
/// (lists, anchors, block scalars).
/// </summary>
internal static class PolicyFileCases
{
    public static IReadOnlyList<(string Text, bool Stricter)> All { get; } =
    [
        // Accepted by both, with the same rules.
        ("\"a\": \"role:admin\"\n'b': 'role:x'\nc: role:y or role:z\n", false),
        ("# comment\n\n---\n# another\nidentity:get_user: \"rule:admin_required\"   # trailing comment\n...\n", false),
        ("a: role:admin or\n  role:member\n\n  or role:reader\nb: x\n", false),
        ("a: \"role:\\x41dmin \\u00e9\\t\\\\ \\\" \\/\"\n", false),
        ("a: 'it''s'\n", false),
        ("a: \"role:a or\n   role:b\"\nb: \"x\n\n   y\"\nc: \"joined\\\n    here\"\n", false),
        ("a: 'one\n  two'\n", false),
        ("a:\n  role:admin\nb:\n  # comment\n  \"quoted\"\n", false),
        ("my rule: role:x\n\"with: colon\": role:y\n", false),
        ("a: x#notcomment\nb: \"x\" # comment\nc: x # comment\nd: \"\"\ne: ''\n", false),
        ("  a: role:x\n  b: role:y\n", false),
        ("a: (role:admin or role:member) and not role:x\nb: user_id:%(target.user.id)s\nc: role:a)\n", false),
        ("a: -x\nb: ?y\nc: :z\nd: x:y:z\ne: x, [y] {z}\n", false),
        ("{\"a\": \"role:admin\", \"b\": [[\"role:x\", \"role:y\"], \"role:z\"], \"c\": []}", false),
        ("{}", false),
        ("null", false),
        ("[]", false),
        ("false", false),
        ("---\n", false),
        (string.Empty, false),
        ("# only a comment\n", false),
        ("\ufeffa: role:x\n", false),
        ("a: role:x\r\nb: role:y\r\n", false),
        ("\"identity:x\": \"!\"\n\"identity:y\": \"@\"\n", false),

        // Read by oslo, but the values are not check strings.
        ("a: yes\n", false),
        ("a: 1\n", false),
        ("a: 1.5\n", false),
        ("a:\n", false),
        ("a: ~\n", false),
        ("a: null\n", false),
        ("a: 2001-01-01\n", false),
        ("a: !\n", false),
        ("a: [role:x]\n", true),
        ("a:\n  - role:x\n", true),
        ("a: {b: c}\n", false),
        ("a:\n  b: c\n", false),
        ("true: role:x\n", false),
        ("1: role:x\n", false),
        ("{\"a\": 1}", false),
        ("{\"a\": null}", false),
        ("{\"a\": [[1]]}", true),
        ("a: x\na: y\n", true),

        // Rejected by both.
        ("a: role:x or role: y\n", false),
        ("a: @\n", false),
        ("a: %x\n", false),
        ("a: `x`\n", false),
        ("a: \"unterminated\n", false),
        ("a: 'unterminated\n", false),
        ("a: b\n  c: d\n", false),
        ("- a\n- b\n", false),
        ("a: x\n\tb: y\n", false),
        ("a: \"x\" y\n", false),
        ("a: x\n---\nb: y\n", false),
        ("a: \"\\q\"\n", false),
        ("\"a\":b\n", false),
        ("[\"a\"]", false),
        ("a: &anchor x\n", true),
        ("a: *alias\n", false),
        ("a: |\n  role:x\n", true),
        ("a: >\n  role:x\n", true),
        ("a: x\n b: y\n", false),
        ("x\n", false),
        ("\"just a string\"", false),
    ];
}
