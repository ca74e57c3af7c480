// The tx language (LANGUAGE.md sections 1, 3, 4, 5, 8).
//
// This grammar expects its tokens through the frontend's token filter (dev.txc.frontend.ast), which
// drops the NEWLINEs that do not end a statement (inside () or [], after an operator, '=', ':=', ','
// or '->') and collapses runs of separators so that exactly one NEWLINE or ';' stands between two
// statements or items and none before the first, after the last, or next to a brace. The loops
// below can then decide with one token of lookahead, which keeps error recovery local to a line.
// Checks a grammar would explain badly (assignment targets, chained comparisons) are left to the
// AST builder.
grammar Tx;

// ---- entry points ----

file_       : (item (sep item)*)? EOF ;
exprOnly    : expr EOF ;

sep         : NEWLINE | SEMI ;

// ---- top-level items ----

item
    : IMPORT STRING                                         # importItem
    | CONST ID ASSIGN expr                                  # constItem
    | SHARED ID COLON type ASSIGN expr                      # sharedItem
    | FN ID LPAREN params? RPAREN (ARROW results)? (block | ASSIGN expr)   # fnItem
    ;

params      : param (COMMA param)* COMMA? ;
param       : ID COLON type (ASSIGN expr)? ;

results
    : type                                                  # singleResult
    | LPAREN result (COMMA result)* COMMA? RPAREN           # resultList
    ;
result      : (ID COLON)? type ;

type        : ID (LBRACK dim (COMMA dim)* RBRACK)? ;
dim         : INT | ID | QUESTION ;

// ---- statements ----

block       : LBRACE (stmt (sep stmt)*)? RBRACE ;

stmt
    : RETURN exprList?                                      # returnStmt
    | lhs=exprList (op=(ASSIGN | UPDATE) rhs=exprList)?     # simpleStmt
    ;

// No trailing comma: a comma at the end of a line continues the statement on the next one.
exprList    : expr (COMMA expr)* ;

// ---- expressions, lowest precedence first ----

expr        : operands+=andExpr (ops+=OR operands+=andExpr)* ;
andExpr     : operands+=notExpr (ops+=AND operands+=notExpr)* ;
notExpr     : NOT notExpr | comparison ;
// Repetition is accepted so that the builder can explain why `a < b < c` is not allowed.
comparison  : operands+=arith (ops+=(EQ | NE | LT | LE | GT | GE) operands+=arith)* ;
arith       : operands+=term (ops+=(PLUS | MINUS) operands+=term)* ;
term        : operands+=unary (ops+=(STAR | SLASH | DSLASH | PERCENT | AT) operands+=unary)* ;
unary       : MINUS unary | power ;
// The exponent is a unary so that `2 ** -1` parses, and `**` is right-associative.
power       : postfix (POW unary)? ;
postfix     : primary trailer* ;

trailer
    : LPAREN (arg (COMMA arg)* COMMA?)? RPAREN              # callTrailer
    | LBRACK subscript (COMMA subscript)* COMMA? RBRACK     # indexTrailer
    | DOT ID                                                # attrTrailer
    ;

arg         : (ID ASSIGN)? expr ;

// `start? (: stop? (: step?)?)?`, written so that one token of lookahead decides between an index
// and a slice: the naive `expr | expr? ':' ...` makes the parser scan whole subscripts ahead.
subscript   : start=expr sliceTail? | sliceTail ;
sliceTail   : COLON stop=expr? (COLON step=expr?)? ;

primary
    : INT                                                   # intLit
    | FLOAT                                                 # floatLit
    | STRING                                                # strLit
    | (TRUE | FALSE)                                        # boolLit
    | ID                                                    # nameRef
    | LPAREN expr (COMMA (expr (COMMA expr)* COMMA?)?)? RPAREN   # parens
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK            # listLit
    | scan                                                  # scanExpr
    ;

scan        : SCAN (LPAREN scanOption (COMMA scanOption)* COMMA? RPAREN)? binding (COMMA binding)* (CARRY carry (COMMA carry)*)? block ;
scanOption  : ID ASSIGN expr ;
binding     : ID IN expr (DOTDOT expr)? ;
carry       : ID ASSIGN expr ;

// ---- lexer ----

FN      : 'fn' ;
SHARED  : 'shared' ;
CONST   : 'const' ;
RETURN  : 'return' ;
SCAN    : 'scan' ;
IN      : 'in' ;
CARRY   : 'carry' ;
TRUE    : 'true' ;
FALSE   : 'false' ;
AND     : 'and' ;
OR      : 'or' ;
NOT     : 'not' ;
IMPORT  : 'import' ;

LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
LBRACE  : '{' ;
RBRACE  : '}' ;
COMMA   : ',' ;
SEMI    : ';' ;
UPDATE  : ':=' ;
COLON   : ':' ;
ARROW   : '->' ;
DOTDOT  : '..' ;
DOT     : '.' ;
QUESTION: '?' ;
EQ      : '==' ;
NE      : '!=' ;
LE      : '<=' ;
GE      : '>=' ;
LT      : '<' ;
GT      : '>' ;
ASSIGN  : '=' ;
POW     : '**' ;
PLUS    : '+' ;
MINUS   : '-' ;
STAR    : '*' ;
DSLASH  : '//' ;
SLASH   : '/' ;
PERCENT : '%' ;
AT      : '@' ;

// A float needs digits after its dot, so that `0..n` lexes as INT DOTDOT ID.
FLOAT
    : DIGITS '.' DIGITS EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;
INT     : DIGITS ;
fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

ID      : [A-Za-z_] [A-Za-z0-9_]* ;

STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
// Reported by the token filter, which then treats it as a STRING so that parsing goes on.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'? ;

NEWLINE : '\r'? '\n' | '\r' ;
WS      : [ \t\f]+ -> skip ;
COMMENT : '#' ~[\r\n]* -> skip ;

// Any other character; the token filter reports it and drops it.
BAD_CHAR : . ;
