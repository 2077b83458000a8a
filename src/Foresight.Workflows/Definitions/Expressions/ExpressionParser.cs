using System.Globalization;

namespace Foresight.Workflows.Definitions.Expressions;

/// <summary>A syntax error in an expression, at a character offset of the expression text.</summary>
internal sealed record ExprError(string Message, int Offset);

/// <summary>
/// Parses GitHub Actions expression syntax (the text inside <c>${{ }}</c>): literals, property paths, function calls,
/// <c>!</c>, comparisons, <c>&amp;&amp;</c> and <c>||</c>, with GitHub's precedence. Bounded: nesting deeper than
/// <see cref="MaxDepth"/> is an error, never a stack overflow.
/// </summary>
internal sealed class ExpressionParser
{
    public const int MaxDepth = 50;
    public const int MaxLength = 20_000;
    public const int MaxTokens = 1_000;

    private static readonly HashSet<string> NamedValues = new(
        ["github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix", "needs", "inputs"],
        StringComparer.Ordinal);

    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private int _position;
    private int _depth;

    private ExpressionParser(string text) => _text = text;

    public static Expr? Parse(string text, out ExprError? error)
    {
        error = null;
        if (text.Length > MaxLength)
        {
            error = new ExprError($"the expression is longer than {MaxLength:N0} characters", 0);
            return null;
        }

        var parser = new ExpressionParser(text);
        try
        {
            parser.Tokenize();
            if (parser._tokens.Count == 1)
            {
                throw new SyntaxError("the expression is empty", 0);
            }

            var expr = parser.ParseOr();
            if (parser.Peek.Kind != TokenKind.End)
            {
                throw new SyntaxError($"unexpected '{parser.Peek.Text}'", parser.Peek.Offset);
            }

            return expr;
        }
        catch (SyntaxError e)
        {
            error = new ExprError(e.Message, e.Offset);
            return null;
        }
    }

    private Token Peek => _tokens[_position];

    private Token Next() => _tokens[_position++];

    private bool Accept(TokenKind kind, string? text = null)
    {
        if (Peek.Kind == kind && (text is null || Peek.Text == text))
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(TokenKind kind, string text)
    {
        if (!Accept(kind, text))
        {
            throw new SyntaxError(Peek.Kind == TokenKind.End ? $"expected '{text}' before the end" : $"expected '{text}', found '{Peek.Text}'", Peek.Offset);
        }
    }

    private Expr ParseOr()
    {
        Enter();
        var left = ParseAnd();
        while (Peek is { Kind: TokenKind.Operator, Text: "||" } op)
        {
            Next();
            left = new BinaryExpr("||", left, ParseAnd(), op.Offset);
        }

        _depth--;
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseEquality();
        while (Peek is { Kind: TokenKind.Operator, Text: "&&" } op)
        {
            Next();
            left = new BinaryExpr("&&", left, ParseEquality(), op.Offset);
        }

        return left;
    }

    private Expr ParseEquality()
    {
        var left = ParseComparison();
        while (Peek is { Kind: TokenKind.Operator, Text: "==" or "!=" } op)
        {
            Next();
            left = new BinaryExpr(op.Text, left, ParseComparison(), op.Offset);
        }

        return left;
    }

    private Expr ParseComparison()
    {
        var left = ParseUnary();
        while (Peek is { Kind: TokenKind.Operator, Text: "<" or "<=" or ">" or ">=" } op)
        {
            Next();
            left = new BinaryExpr(op.Text, left, ParseUnary(), op.Offset);
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek is { Kind: TokenKind.Operator, Text: "!" } bang)
        {
            Next();
            Enter();
            var operand = ParseUnary();
            _depth--;
            return new NotExpr(operand, bang.Offset);
        }

        return ParsePostfix();
    }

    private Expr ParsePostfix()
    {
        var expr = ParsePrimary();
        while (true)
        {
            if (Accept(TokenKind.Punctuation, "."))
            {
                var name = Next();
                expr = name switch
                {
                    { Kind: TokenKind.Operator, Text: "*" } => new StarExpr(expr, name.Offset),
                    { Kind: TokenKind.Identifier } => new MemberExpr(expr, name.Text, name.Offset),
                    _ => throw new SyntaxError(name.Kind == TokenKind.End ? "expected a property name after '.'" : $"expected a property name after '.', found '{name.Text}'", name.Offset),
                };
            }
            else if (Peek is { Kind: TokenKind.Punctuation, Text: "[" } open)
            {
                Next();
                if (Peek is { Kind: TokenKind.Operator, Text: "*" })
                {
                    Next();
                    Expect(TokenKind.Punctuation, "]");
                    expr = new StarExpr(expr, open.Offset);
                    continue;
                }

                var index = ParseOr();
                Expect(TokenKind.Punctuation, "]");
                expr = index is LiteralExpr { Value.Kind: ExprKind.String } literal
                    ? new MemberExpr(expr, literal.Value.Text!, open.Offset)
                    : new IndexExpr(expr, index, open.Offset);
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.String:
                return new LiteralExpr(ExprValue.String(token.Text), token.Offset);
            case TokenKind.Number:
                return new LiteralExpr(ExprValue.Num(token.Number, token.Text), token.Offset);
            case TokenKind.Punctuation when token.Text == "(":
                var inner = ParseOr();
                Expect(TokenKind.Punctuation, ")");
                return inner;
            case TokenKind.Identifier:
                if (Accept(TokenKind.Punctuation, "("))
                {
                    return ParseCall(token);
                }

                return token.Text switch
                {
                    "true" => new LiteralExpr(ExprValue.True, token.Offset),
                    "false" => new LiteralExpr(ExprValue.False, token.Offset),
                    "null" => new LiteralExpr(ExprValue.Null, token.Offset),
                    "NaN" => new LiteralExpr(ExprValue.Num(double.NaN), token.Offset),
                    _ when NamedValues.Contains(token.Text) => new ContextExpr(token.Text, token.Offset),
                    _ => throw new SyntaxError($"unrecognized named value '{token.Text}' (GitHub knows github, env, vars, job, jobs, steps, runner, secrets, strategy, matrix, needs, inputs)", token.Offset),
                };
            case TokenKind.End:
                throw new SyntaxError("the expression ends too early", token.Offset);
            default:
                throw new SyntaxError($"unexpected '{token.Text}'", token.Offset);
        }
    }

    private CallExpr ParseCall(Token name)
    {
        Enter();
        var args = new List<Expr>();
        if (!Accept(TokenKind.Punctuation, ")"))
        {
            do
            {
                args.Add(ParseOr());
            }
            while (Accept(TokenKind.Punctuation, ","));
            Expect(TokenKind.Punctuation, ")");
        }

        _depth--;
        return new CallExpr(name.Text, args, name.Offset);
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new SyntaxError($"the expression nests deeper than {MaxDepth} levels", Peek.Offset);
        }
    }

    private void Tokenize()
    {
        var i = 0;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (_tokens.Count >= MaxTokens)
            {
                throw new SyntaxError($"the expression has more than {MaxTokens:N0} tokens", start);
            }

            if (c == '\'')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= _text.Length)
                    {
                        throw new SyntaxError("a string literal is not closed with '", start);
                    }

                    if (_text[i] == '\'')
                    {
                        if (i + 1 < _text.Length && _text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(_text[i++]);
                }

                _tokens.Add(new Token(TokenKind.String, value.ToString(), start));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < _text.Length && (char.IsAsciiDigit(_text[i + 1]) || _text[i + 1] == '.'))
                     || (c == '.' && i + 1 < _text.Length && char.IsAsciiDigit(_text[i + 1]) && !PreviousIsValue()))
            {
                i++;
                while (i < _text.Length && (char.IsAsciiLetterOrDigit(_text[i]) || _text[i] is '.' or '_'
                       || (_text[i] is '+' or '-' && _text[i - 1] is 'e' or 'E' && !_text.AsSpan(start, i - start).Contains("0x", StringComparison.OrdinalIgnoreCase))))
                {
                    i++;
                }

                var text = _text[start..i];
                var number = ExprValue.ParseNumber(text) ?? throw new SyntaxError($"'{text}' is not a number", start);
                _tokens.Add(new Token(TokenKind.Number, text, start, number));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < _text.Length && (char.IsAsciiLetterOrDigit(_text[i]) || _text[i] is '_' or '-'))
                {
                    i++;
                }

                _tokens.Add(new Token(TokenKind.Identifier, _text[start..i], start));
            }
            else
            {
                var two = i + 1 < _text.Length ? _text.Substring(i, 2) : "";
                if (two is "&&" or "||" or "==" or "!=" or "<=" or ">=")
                {
                    _tokens.Add(new Token(TokenKind.Operator, two, start));
                    i += 2;
                }
                else if (c is '!' or '<' or '>' or '*')
                {
                    _tokens.Add(new Token(TokenKind.Operator, c.ToString(), start));
                    i++;
                }
                else if (c is '(' or ')' or '[' or ']' or '.' or ',')
                {
                    _tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), start));
                    i++;
                }
                else
                {
                    throw new SyntaxError(c == '"' ? "strings are written in single quotes in expressions" : $"unexpected character '{c}'", start);
                }
            }
        }

        _tokens.Add(new Token(TokenKind.End, "", _text.Length));
    }

    private bool PreviousIsValue() =>
        _tokens.Count > 0 && _tokens[^1].Kind is TokenKind.Identifier or TokenKind.String or TokenKind.Number
        || (_tokens.Count > 0 && _tokens[^1].Text is ")" or "]");

    private enum TokenKind
    {
        Identifier,
        Number,
        String,
        Operator,
        Punctuation,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, int Offset, double Number = 0);

#pragma warning disable CA1032, CA1064 // private control-flow exception, never escapes Parse
    private sealed class SyntaxError(string message, int offset) : Exception(message)
#pragma warning restore CA1032, CA1064
    {
        public int Offset { get; } = offset;
    }
}

/// <summary>Prints an expression back in a canonical form (used for a job's residual condition).</summary>
internal static class ExprPrinter
{
    public static string Print(Expr expr) => Print(expr, 0);

    private static string Print(Expr expr, int parentPrecedence)
    {
        var precedence = Precedence(expr);
        var text = expr switch
        {
            LiteralExpr { Value.Kind: ExprKind.String } s => $"'{s.Value.Text!.Replace("'", "''", StringComparison.Ordinal)}'",
            LiteralExpr { Value.Kind: ExprKind.Number } n => n.Value.Text ?? n.Value.Number.ToString("R", CultureInfo.InvariantCulture),
            LiteralExpr { Value.Kind: ExprKind.Null } => "null",
            LiteralExpr l => l.Value.ToText(),
            ContextExpr c => c.Name,
            MemberExpr m => $"{Print(m.Target, 10)}.{m.Name}",
            IndexExpr i => $"{Print(i.Target, 10)}[{Print(i.Index, 0)}]",
            StarExpr s => $"{Print(s.Target, 10)}.*",
            CallExpr call => $"{call.Name}({string.Join(", ", call.Args.Select(a => Print(a, 0)))})",
            NotExpr not => $"!{Print(not.Operand, 9)}",
            BinaryExpr b => $"{Print(b.Left, precedence)} {b.Op} {Print(b.Right, precedence + 1)}",
            _ => "?",
        };
        return precedence < parentPrecedence ? $"({text})" : text;
    }

    private static int Precedence(Expr expr) => expr switch
    {
        BinaryExpr { Op: "||" } => 1,
        BinaryExpr { Op: "&&" } => 2,
        BinaryExpr { Op: "==" or "!=" } => 3,
        BinaryExpr => 4,
        NotExpr => 9,
        _ => 10,
    };
}
