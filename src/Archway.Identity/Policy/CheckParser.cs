namespace Archway.Identity.Policy;

/// <summary>
/// oslo.policy's parser (<c>_parser.py</c>), reproduced step for step so every rule means here what it means to
/// Keystone: the same whitespace tokenizer with its parenthesis stripping, the same greedy shift-reduce
/// reductions (so <c>not</c> binds tighter than <c>and</c>, which binds tighter than <c>or</c>), the same
/// list-of-lists form. Where oslo logs "Failed to understand rule" and substitutes <c>!</c>, this records an error.
/// </summary>
internal static class CheckParser
{
    private enum Token
    {
        Open,
        Close,
        And,
        Or,
        Not,
        Check,
        AndExpr,
        OrExpr,
        String,
    }

    /// <summary><c>_parse_text_rule</c>: the policy language. The empty string is <c>@</c>.</summary>
    public static PolicyCheck ParseText(string rule, ParseContext context)
    {
        if (rule.Length == 0)
        {
            return TrueCheck.Instance;
        }

        var tokens = new List<Token>();
        var values = new List<object>();
        foreach (var (token, value) in Tokenize(rule, context))
        {
            tokens.Add(token);
            values.Add(value);
            Reduce(tokens, values);
        }

        if (values.Count == 1 && values[0] is PolicyCheck check)
        {
            return check;
        }

        context.Errors.Add(Describe(rule, tokens));
        return FalseCheck.Instance;
    }

    /// <summary>
    /// <c>_parse_list_rule</c>: the legacy JSON form, an OR of ANDs of single checks. An empty list is <c>@</c>;
    /// a list of only empty lists is <c>!</c>.
    /// </summary>
    public static PolicyCheck ParseList(IReadOnlyList<IReadOnlyList<string>> alternatives, ParseContext context)
    {
        if (alternatives.Count == 0)
        {
            return TrueCheck.Instance;
        }

        var or = new List<PolicyCheck>();
        foreach (var alternative in alternatives)
        {
            if (alternative.Count == 0)
            {
                continue;
            }

            var and = alternative.Select(check => ParseCheck(check, context)).ToArray();
            or.Add(and.Length == 1 ? and[0] : new AndCheck(and));
        }

        return or.Count switch
        {
            0 => FalseCheck.Instance,
            1 => or[0],
            _ => new OrCheck([.. or]),
        };
    }

    /// <summary><c>_parse_check</c>: one check, <c>@</c>, <c>!</c> or <c>KIND:VALUE</c>.</summary>
    public static PolicyCheck ParseCheck(string check, ParseContext context)
    {
        switch (check)
        {
            case "!":
                return FalseCheck.Instance;
            case "@":
                return TrueCheck.Instance;
        }

        var colon = check.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            context.Errors.Add($"\"{check}\" is not a check: expected KIND:VALUE, @ or !");
            return FalseCheck.Instance;
        }

        var kind = check[..colon];
        var match = check[(colon + 1)..];
        switch (kind)
        {
            case "http" or "https":
                context.Errors.Add($"\"{check}\": remote {kind} checks are not supported");
                return FalseCheck.Instance;
            case "rule":
                var reference = new RuleCheck(match);
                context.References.Add(reference);
                return reference;
        }

        if (!MatchTemplate.TryParse(match, out var template, out var templateError))
        {
            context.Errors.Add($"\"{check}\": {templateError}");
            return FalseCheck.Instance;
        }

        if (kind == "role")
        {
            return new RoleCheck(match, template);
        }

        PythonLiteral.Classify(kind, out var literal, out var literalError);
        if (literalError is not null)
        {
            context.Errors.Add($"\"{check}\": {literalError}");
            return FalseCheck.Instance;
        }

        var attribute = CredentialAttribute.Missing;
        if (literal is null)
        {
            attribute = CredentialAttributes.Resolve(kind, out var pathError, out var warning);
            if (pathError is not null)
            {
                context.Errors.Add($"\"{check}\": {pathError}");
                return FalseCheck.Instance;
            }

            if (warning is not null)
            {
                context.Warnings.Add($"\"{check}\": {warning}");
            }
        }

        return new GenericCheck(kind, match, template, literal, attribute);
    }

    /// <summary>
    /// <c>_parse_tokenize</c>: split on whitespace; peel leading '(' and trailing ')' off each piece; and/or/not in
    /// any case are operators; a piece wholly in quotes is a string (which no reduction accepts).
    /// </summary>
    private static IEnumerable<(Token Token, object Value)> Tokenize(string rule, ParseContext context)
    {
        var start = 0;
        while (start < rule.Length)
        {
            while (start < rule.Length && IsPythonWhitespace(rule[start]))
            {
                start++;
            }

            var end = start;
            while (end < rule.Length && !IsPythonWhitespace(rule[end]))
            {
                end++;
            }

            if (end == start)
            {
                break;
            }

            var piece = rule[start..end];
            start = end;

            var open = 0;
            while (open < piece.Length && piece[open] == '(')
            {
                open++;
                yield return (Token.Open, "(");
            }

            if (open == piece.Length)
            {
                continue;
            }

            var withClose = piece[open..];
            var clean = withClose.TrimEnd(')');
            var close = withClose.Length - clean.Length;
            if (clean.Length > 0)
            {
                if (string.Equals(clean, "and", StringComparison.OrdinalIgnoreCase))
                {
                    yield return (Token.And, clean);
                }
                else if (string.Equals(clean, "or", StringComparison.OrdinalIgnoreCase))
                {
                    yield return (Token.Or, clean);
                }
                else if (string.Equals(clean, "not", StringComparison.OrdinalIgnoreCase))
                {
                    yield return (Token.Not, clean);
                }
                else if (withClose.Length >= 2 && withClose[0] is '"' or '\'' && withClose[^1] == withClose[0])
                {
                    // oslo tests the piece before stripping ')', so "'a')" is a check, not a string.
                    yield return (Token.String, withClose[1..^1]);
                }
                else
                {
                    yield return (Token.Check, ParseCheck(clean, context));
                }
            }

            for (var i = 0; i < close; i++)
            {
                yield return (Token.Close, ")");
            }
        }
    }

    /// <summary>ParseState.reduce: apply the first reduction whose tokens end the stack, until none does.</summary>
    private static void Reduce(List<Token> tokens, List<object> values)
    {
        while (true)
        {
            var n = tokens.Count;
            if (n >= 3 && tokens[n - 3] == Token.Open && tokens[n - 1] == Token.Close
                && tokens[n - 2] is Token.Check or Token.AndExpr or Token.OrExpr)
            {
                Replace(tokens, values, 3, Token.Check, values[n - 2]);
            }
            else if (n >= 3 && tokens[n - 2] == Token.And && tokens[n - 1] == Token.Check && tokens[n - 3] == Token.Check)
            {
                Replace(tokens, values, 3, Token.AndExpr, new AndCheck([(PolicyCheck)values[n - 3], (PolicyCheck)values[n - 1]]));
            }
            else if (n >= 3 && tokens[n - 2] == Token.And && tokens[n - 1] == Token.Check && tokens[n - 3] == Token.OrExpr)
            {
                // _mix_or_and_expr: "A or B and C" binds B and C.
                var or = (OrCheck)values[n - 3];
                var last = or.Rules[^1];
                var check = (PolicyCheck)values[n - 1];
                PolicyCheck and = last is AndCheck existing ? new AndCheck([.. existing.Rules, check]) : new AndCheck([last, check]);
                Replace(tokens, values, 3, Token.OrExpr, new OrCheck([.. or.Rules[..^1], and]));
            }
            else if (n >= 3 && tokens[n - 2] == Token.And && tokens[n - 1] == Token.Check && tokens[n - 3] == Token.AndExpr)
            {
                Replace(tokens, values, 3, Token.AndExpr, new AndCheck([.. ((AndCheck)values[n - 3]).Rules, (PolicyCheck)values[n - 1]]));
            }
            else if (n >= 3 && tokens[n - 2] == Token.Or && tokens[n - 1] == Token.Check && tokens[n - 3] is Token.Check or Token.AndExpr)
            {
                Replace(tokens, values, 3, Token.OrExpr, new OrCheck([(PolicyCheck)values[n - 3], (PolicyCheck)values[n - 1]]));
            }
            else if (n >= 3 && tokens[n - 2] == Token.Or && tokens[n - 1] == Token.Check && tokens[n - 3] == Token.OrExpr)
            {
                Replace(tokens, values, 3, Token.OrExpr, new OrCheck([.. ((OrCheck)values[n - 3]).Rules, (PolicyCheck)values[n - 1]]));
            }
            else if (n >= 2 && tokens[n - 2] == Token.Not && tokens[n - 1] == Token.Check)
            {
                Replace(tokens, values, 2, Token.Check, new NotCheck((PolicyCheck)values[n - 1]));
            }
            else
            {
                return;
            }
        }
    }

    private static void Replace(List<Token> tokens, List<object> values, int count, Token token, object value)
    {
        tokens.RemoveRange(tokens.Count - count, count);
        values.RemoveRange(values.Count - count, count);
        tokens.Add(token);
        values.Add(value);
    }

    /// <summary>What was left over, in words an operator can act on.</summary>
    private static string Describe(string rule, List<Token> tokens)
    {
        string reason;
        if (tokens.Count == 0)
        {
            reason = "it has no checks (write \"\" or @ to allow everyone, ! to deny)";
        }
        else if (tokens.Contains(Token.String))
        {
            reason = "a quoted string is not a check";
        }
        else if (tokens.Contains(Token.Open) || tokens.Contains(Token.Close))
        {
            reason = "parentheses do not balance or enclose nothing";
        }
        else if (tokens[^1] is Token.And or Token.Or or Token.Not || tokens[0] is Token.And or Token.Or)
        {
            reason = "an operator is missing an operand";
        }
        else
        {
            reason = "checks must be joined by and/or";
        }

        return $"cannot parse \"{rule}\": {reason}";
    }

    /// <summary>Python's <c>\s</c> for str patterns: str.isspace, which also counts U+001C..U+001F.</summary>
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
}

/// <summary>What parsing one rule found: errors (the rule is rejected), warnings, and the <c>rule:</c> references to link.</summary>
internal sealed class ParseContext
{
    public List<string> Errors { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<RuleCheck> References { get; } = [];
}
