package sandbox

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The sandbox understands a small JQL subset:
//
//	query   = [expr] [ORDER BY field [ASC|DESC] {"," field [ASC|DESC]}]
//	expr    = and {OR and}
//	and     = primary {AND primary}
//	primary = "(" expr ")" | field ("=" | "!=") value
//	value   = word | "quoted" | 'quoted' | EMPTY | NULL | currentUser()
//
// with the fields project, key (issuekey), type (issuetype), status, assignee
// and reporter (ORDER BY also takes created and updated). Everything else is a
// Jira-shaped 400, never a 500. Syntax errors carry Jira's "Error in the JQL
// Query:" prefix and position; unknown fields and values get Jira's own
// messages, which have no prefix.

// Canonical field names, keyed by every name the subset accepts.
var (
	jqlFields = map[string]string{
		"project": "project", "key": "key", "issuekey": "key", "type": "issuetype",
		"issuetype": "issuetype", "status": "status", "assignee": "assignee", "reporter": "reporter",
	}
	jqlSortOnly = map[string]string{"created": "created", "updated": "updated"}
)

// jqlMaxDepth bounds parenthesis nesting (and so the parser's recursion).
const jqlMaxDepth = 32

// jqlError is a JQL error as Jira words it.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

// jqlQuery is a parsed query. A nil where matches every issue.
type jqlQuery struct {
	where jqlExpr
	order []jqlOrder
}

type jqlOrder struct {
	field string
	desc  bool
}

// jqlExpr is a node of the WHERE part.
type jqlExpr interface {
	eval(is *issue, me *account) bool
	clauses(yield func(*jqlClause))
}

// jqlAnd and jqlOr hold every operand of a run of ANDs (ORs) in one node:
// "a OR b OR c" is one jqlOr of three, so that a long query makes a wide
// tree, not a deep one (walking it needs no recursion per clause).
type jqlAnd struct{ terms []jqlExpr }
type jqlOr struct{ terms []jqlExpr }

// jqlClause is one "field op value" condition.
type jqlClause struct {
	field   string // canonical
	written string // as the query spelled it, for messages
	neg     bool   // !=
	val     jqlValue
}

type jqlValue struct {
	text        string
	empty       bool // EMPTY or NULL
	currentUser bool // currentUser()
}

func (e *jqlAnd) eval(is *issue, me *account) bool {
	for _, t := range e.terms {
		if !t.eval(is, me) {
			return false
		}
	}
	return true
}

func (e *jqlOr) eval(is *issue, me *account) bool {
	for _, t := range e.terms {
		if t.eval(is, me) {
			return true
		}
	}
	return false
}

func (e *jqlAnd) clauses(yield func(*jqlClause)) {
	for _, t := range e.terms {
		t.clauses(yield)
	}
}

func (e *jqlOr) clauses(yield func(*jqlClause)) {
	for _, t := range e.terms {
		t.clauses(yield)
	}
}

func (cl *jqlClause) clauses(yield func(*jqlClause)) {
	yield(cl)
}

// eval follows Jira's semantics: "!=" never matches an issue whose field is
// empty (assignee != fred leaves out unassigned issues), and currentUser()
// matches nothing for an anonymous caller.
func (cl *jqlClause) eval(is *issue, me *account) bool {
	actual := fieldText(is, cl.field)
	if cl.val.empty {
		return (actual == "") != cl.neg
	}
	want := cl.val.text
	if cl.val.currentUser {
		if me == nil {
			return false
		}
		want = me.Name
	}
	if actual == "" {
		return false
	}
	match := strings.EqualFold(actual, want)
	if cl.field == "project" {
		match = match || strings.EqualFold(is.Project.Name, want) || is.Project.ID == want
	}
	return match != cl.neg
}

// fieldText is the searchable text of an issue's field ("" when empty).
func fieldText(is *issue, field string) string {
	switch field {
	case "project":
		return is.Project.Key
	case "key":
		return is.Key
	case "issuetype":
		return is.Type
	case "status":
		return is.Status
	case "assignee":
		return is.Assignee
	case "reporter":
		return is.Reporter
	}
	return ""
}

// --- lexer ---

type jqlTokKind int

const (
	tokEOF jqlTokKind = iota
	tokWord
	tokString
	tokOp // = != ~ !~ < <= > >=
	tokLParen
	tokRParen
	tokComma
)

type jqlTok struct {
	kind       jqlTokKind
	text       string
	line, char int // 1-based, as Jira reports positions
}

func (t jqlTok) is(word string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, word)
}

func syntaxError(t jqlTok, format string, args ...any) error {
	return &jqlError{fmt.Sprintf("Error in the JQL Query: "+format+" (line %d, character %d)", append(args, t.line, t.char)...)}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@", r)
}

// jqlLexer reads the tokens of a query one at a time, straight from the
// string: a long query costs no token table and no []rune copy.
type jqlLexer struct {
	s          string
	i          int // byte offset of the next rune
	line, char int // its position, as Jira reports it (1-based, in runes)
}

func newJQLLexer(s string) *jqlLexer { return &jqlLexer{s: s, line: 1, char: 1} }

// peekRune returns the rune at byte offset i and its width (0 at the end).
func (l *jqlLexer) peekRune(i int) (rune, int) {
	if i >= len(l.s) {
		return 0, 0
	}
	return utf8.DecodeRuneInString(l.s[i:])
}

// advance moves to byte offset to, keeping the line and character position.
func (l *jqlLexer) advance(to int) {
	for l.i < to {
		r, w := l.peekRune(l.i)
		if r == '\n' {
			l.line, l.char = l.line+1, 1
		} else {
			l.char++
		}
		l.i += w
	}
}

// next returns the next token (tokEOF at the end) or Jira's error for it.
func (l *jqlLexer) next() (jqlTok, error) {
	for {
		r, w := l.peekRune(l.i)
		if w == 0 || !unicode.IsSpace(r) {
			break
		}
		l.advance(l.i + w)
	}
	t := jqlTok{line: l.line, char: l.char}
	r, w := l.peekRune(l.i)
	start := l.i
	switch {
	case w == 0:
		t.kind = tokEOF
		return t, nil
	case r == '(':
		t.kind, t.text = tokLParen, "("
	case r == ')':
		t.kind, t.text = tokRParen, ")"
	case r == ',':
		t.kind, t.text = tokComma, ","
	case r == '=' || r == '~':
		t.kind, t.text = tokOp, string(r)
	case r == '!' || r == '<' || r == '>':
		n, _ := l.peekRune(l.i + w)
		if n == '=' || (r == '!' && n == '~') {
			w++
		}
		t.kind, t.text = tokOp, l.s[start:start+w]
		if t.text == "!" {
			return t, syntaxError(t, "The character '!' must be followed by '=' or '~'.")
		}
	case r == '"' || r == '\'':
		var sb strings.Builder
		j := l.i + w
		for {
			c, cw := l.peekRune(j)
			if cw == 0 {
				return t, syntaxError(t, "The quoted string '%s' has not been completed.", sb.String())
			}
			if c == r {
				j += cw
				break
			}
			if c == '\\' {
				if e, ew := l.peekRune(j + cw); ew > 0 {
					j += cw
					c, cw = e, ew
				}
			}
			sb.WriteRune(c)
			j += cw
		}
		t.kind, t.text = tokString, sb.String()
		l.advance(j)
		return t, nil
	case isWordRune(r):
		j := l.i
		for {
			c, cw := l.peekRune(j)
			if cw == 0 || !isWordRune(c) {
				break
			}
			j += cw
		}
		t.kind, t.text = tokWord, l.s[start:j]
		l.advance(j)
		return t, nil
	default:
		if r == utf8.RuneError {
			return t, syntaxError(t, "The query is not valid UTF-8.")
		}
		return t, syntaxError(t, "The character '%c' is a reserved JQL character. You must enclose it in a string or use the escape '\\u%04x' instead.", r, r)
	}
	l.advance(start + w)
	return t, nil
}

// lexJQL checks that every token of s can be read, and returns the first
// error if not. Jira's parser (ANTLR) reads all tokens before it parses, so
// a bad character anywhere is reported before a syntax error earlier on.
func lexJQL(s string) error {
	l := newJQLLexer(s)
	for {
		t, err := l.next()
		if err != nil || t.kind == tokEOF {
			return err
		}
	}
}

// --- parser ---

// jqlParser parses a query that lexJQL has accepted, one token of
// lookahead at a time.
type jqlParser struct {
	lex   *jqlLexer
	cur   jqlTok // the next token
	depth int
}

func newJQLParser(s string) *jqlParser {
	p := &jqlParser{lex: newJQLLexer(s)}
	p.cur, _ = p.lex.next() // lexJQL has seen every token: no error here
	return p
}

func (p *jqlParser) peek() jqlTok { return p.cur }
func (p *jqlParser) next() jqlTok {
	t := p.cur
	if t.kind != tokEOF {
		p.cur, _ = p.lex.next()
	}
	return t
}

// reserved words that cannot be an unquoted value or field.
var jqlReserved = []string{"and", "or", "not", "order", "by", "in", "is", "was", "changed", "empty", "null", "asc", "desc"}

func isReserved(t jqlTok) bool {
	return t.kind == tokWord && slices.Contains(jqlReserved, strings.ToLower(t.text))
}

// parseJQL parses s. It does not look at the data: checkJQL validates values.
func parseJQL(s string) (*jqlQuery, error) {
	if err := lexJQL(s); err != nil {
		return nil, err
	}
	p := newJQLParser(s)
	q := &jqlQuery{}
	var err error
	if t := p.peek(); t.kind != tokEOF && !t.is("order") {
		if q.where, err = p.or(); err != nil {
			return nil, err
		}
	}
	if p.peek().is("order") {
		if q.order, err = p.orderBy(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, syntaxError(t, "Expecting either 'OR' or 'AND' but got ')': the parentheses do not match.")
		}
		return nil, syntaxError(t, "Expecting either 'OR' or 'AND' but got '%s'.", t.text)
	}
	return q, nil
}

func (p *jqlParser) or() (jqlExpr, error) {
	first, err := p.and()
	if err != nil || !p.peek().is("or") {
		return first, err
	}
	e := &jqlOr{terms: []jqlExpr{first}}
	for p.peek().is("or") {
		p.next()
		t, err := p.and()
		if err != nil {
			return nil, err
		}
		e.terms = append(e.terms, t)
	}
	return e, nil
}

func (p *jqlParser) and() (jqlExpr, error) {
	first, err := p.primary()
	if err != nil || !p.peek().is("and") {
		return first, err
	}
	e := &jqlAnd{terms: []jqlExpr{first}}
	for p.peek().is("and") {
		p.next()
		t, err := p.primary()
		if err != nil {
			return nil, err
		}
		e.terms = append(e.terms, t)
	}
	return e, nil
}

func (p *jqlParser) primary() (jqlExpr, error) {
	t := p.peek()
	switch {
	case t.kind == tokLParen:
		if p.depth >= jqlMaxDepth {
			return nil, syntaxError(t, "The query nests parentheses more than %d deep.", jqlMaxDepth)
		}
		p.next()
		p.depth++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		p.depth--
		if c := p.next(); c.kind != tokRParen {
			return nil, syntaxError(c, "Expecting ')' but got '%s'.", c.text)
		}
		return e, nil
	case t.is("not"):
		return nil, syntaxError(t, "The sandbox does not support NOT: write the condition with '!=' instead.")
	}
	return p.clause()
}

func (p *jqlParser) clause() (jqlExpr, error) {
	f := p.next()
	switch {
	case f.kind == tokEOF:
		return nil, syntaxError(f, "Expecting a field name but reached the end of the query.")
	case isReserved(f) || (f.kind != tokWord && f.kind != tokString):
		return nil, syntaxError(f, "Expecting a field name but got '%s'.", f.text)
	}
	field, ok := jqlFields[strings.ToLower(f.text)]
	if !ok {
		if _, sortOnly := jqlSortOnly[strings.ToLower(f.text)]; sortOnly {
			return nil, syntaxError(f, "The sandbox can sort by '%s' but not search it.", f.text)
		}
		return nil, &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", f.text)}
	}
	cl := &jqlClause{field: field, written: f.text}
	op := p.next()
	switch {
	case op.kind == tokOp && (op.text == "=" || op.text == "!="):
		cl.neg = op.text == "!="
	case op.kind == tokOp || op.is("in") || op.is("not") || op.is("is") || op.is("was") || op.is("changed"):
		return nil, syntaxError(op, "The operator '%s' is not supported by the sandbox: use '=' or '!='.", strings.ToUpper(op.text))
	case op.kind == tokEOF:
		return nil, syntaxError(op, "Expecting operator before the end of the query. The valid operators in the sandbox are '=' and '!='.")
	default:
		return nil, syntaxError(op, "Expecting operator but got '%s'. The valid operators in the sandbox are '=' and '!='.", op.text)
	}
	v := p.next()
	switch {
	case v.kind == tokString:
		cl.val.text = v.text
	case v.is("empty") || v.is("null"):
		cl.val.empty = true
	case v.kind == tokWord && p.peek().kind == tokLParen:
		p.next()
		if c := p.next(); c.kind != tokRParen {
			return nil, syntaxError(c, "The sandbox supports functions without arguments only, such as currentUser().")
		}
		if !strings.EqualFold(v.text, "currentUser") {
			return nil, &jqlError{fmt.Sprintf("Unable to find JQL function '%s()'.", v.text)}
		}
		cl.val.currentUser = true
	case isReserved(v):
		return nil, syntaxError(v, "'%s' is a reserved JQL word. You must surround it in quotation marks to use it in a query.", v.text)
	case v.kind == tokWord:
		cl.val.text = v.text
	case v.kind == tokEOF:
		return nil, syntaxError(v, "Expecting either a value, list or function before the end of the query.")
	default:
		return nil, syntaxError(v, "Expecting either a value, list or function but got '%s'.", v.text)
	}
	return cl, nil
}

func (p *jqlParser) orderBy() ([]jqlOrder, error) {
	p.next() // ORDER
	if t := p.next(); !t.is("by") {
		return nil, syntaxError(t, "Expecting 'by' but got '%s'.", t.text)
	}
	var order []jqlOrder
	for {
		f := p.next()
		if f.kind != tokWord && f.kind != tokString || isReserved(f) {
			if f.kind == tokEOF {
				return nil, syntaxError(f, "Expecting a field name but reached the end of the query.")
			}
			return nil, syntaxError(f, "Expecting a field name but got '%s'.", f.text)
		}
		name := strings.ToLower(f.text)
		field, ok := jqlFields[name]
		if !ok {
			if field, ok = jqlSortOnly[name]; !ok {
				return nil, &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", f.text)}
			}
		}
		o := jqlOrder{field: field}
		if t := p.peek(); t.is("asc") || t.is("desc") {
			o.desc = p.next().is("desc")
		}
		order = append(order, o)
		if p.peek().kind != tokComma {
			return order, nil
		}
		p.next()
	}
}

// --- validation against the data ---

var issueKeyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*-[0-9]+$`)

// checkJQL returns Jira's messages for values that do not exist for viewer
// (nil: anonymous), each once; w counts its steps (nil: none). Like Jira,
// it hides what the viewer may not browse: an anonymous "project = QA" is
// an unknown value, not an empty result.
func checkJQL(q *jqlQuery, viewer *account, w *work) []string {
	if q.where == nil {
		return nil
	}
	// Each message once, in the order of the clauses: a set beside the
	// list, so that a long query costs one lookup per clause.
	var msgs []string
	seen := make(map[string]bool)
	add := func(format string, args ...any) {
		m := fmt.Sprintf(format, args...)
		w.add(1)
		if !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	q.where.clauses(func(cl *jqlClause) {
		userField := cl.field == "assignee" || cl.field == "reporter"
		switch {
		case cl.val.empty && !userField:
			add("The field '%s' does not support searching for EMPTY values.", cl.written)
			return
		case cl.val.currentUser && !userField:
			add("The function 'currentUser()' does not support the field '%s'.", cl.written)
			return
		case cl.val.empty || cl.val.currentUser:
			return
		}
		v := cl.val.text
		switch cl.field {
		case "project":
			if !slices.ContainsFunc(projects, func(p *project) bool {
				return p.visibleTo(viewer) && (strings.EqualFold(p.Key, v) || strings.EqualFold(p.Name, v) || p.ID == v)
			}) {
				add("The value '%s' does not exist for the field '%s'.", v, cl.written)
			}
		case "key":
			if !issueKeyPattern.MatchString(v) {
				add("The issue key '%s' for field '%s' is invalid.", v, cl.written)
			} else if is := findIssue(v); is == nil || !is.Project.visibleTo(viewer) {
				add("An issue with key '%s' does not exist for field '%s'.", v, cl.written)
			}
		case "issuetype":
			if _, ok := findType(v); !ok {
				add("The value '%s' does not exist for the field '%s'.", v, cl.written)
			}
		case "status":
			if _, ok := findStatus(v); !ok {
				add("The value '%s' does not exist for the field '%s'.", v, cl.written)
			}
		default: // assignee, reporter
			if accountByName(v) == nil {
				add("The value '%s' does not exist for the field '%s'.", v, cl.written)
			}
		}
	})
	return msgs
}

// --- running a query ---

// defaultOrder applies when a query has no ORDER BY. Jira's exact default is
// not documented; newest first is the plausible choice, kept here only.
var defaultOrder = []jqlOrder{{field: "created", desc: true}}

// run returns the issues of q that viewer may browse, in q's order.
func (q *jqlQuery) run(viewer *account) []*issue {
	var out []*issue
	for _, is := range issues {
		if is.Project.visibleTo(viewer) && (q.where == nil || q.where.eval(is, viewer)) {
			out = append(out, is)
		}
	}
	order := q.order
	if len(order) == 0 {
		order = defaultOrder
	}
	slices.SortStableFunc(out, func(a, b *issue) int {
		for _, o := range order {
			c := compareField(a, b, o.field)
			if o.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return compareKeys(a, b)
	})
	return out
}

func compareKeys(a, b *issue) int {
	return cmp.Or(strings.Compare(a.Project.Key, b.Project.Key), cmp.Compare(a.Num, b.Num))
}

// compareField orders two issues by field; empty values sort last.
func compareField(a, b *issue, field string) int {
	switch field {
	case "key":
		return compareKeys(a, b)
	case "created":
		return a.Created.Compare(b.Created)
	case "updated":
		return a.Updated.Compare(b.Updated)
	}
	x, y := fieldText(a, field), fieldText(b, field)
	switch {
	case x == y:
		return 0
	case x == "":
		return 1
	case y == "":
		return -1
	}
	return strings.Compare(strings.ToLower(x), strings.ToLower(y))
}
