import { PolicySyntaxError } from './errors';
import { tokenize, type Token } from './lexer';
import type { ValueType } from './values';

export interface PredicateSignature {
  readonly name: string;
  /** Attribute names as written (`pred(type, ...)` leaves them empty). */
  readonly attributes: readonly string[];
  readonly types: readonly ValueType[];
}

/** The predicates of a policy, by name. */
export type Signature = ReadonlyMap<string, PredicateSignature>;

const TYPES: Readonly<Record<string, ValueType>> = { int: 'int', string: 'string', float: 'float' };

/** Parses MonPoly's signature language: one `name(attr:type, ...)` or `name(type, ...)` per predicate. */
export function parseSignature(text: string): Signature {
  const tokens = tokenize(text, 'signature');
  const predicates = new Map<string, PredicateSignature>();
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const fail = (t: Token, reason: string): never => {
    throw new PolicySyntaxError('signature', t.pos, reason);
  };
  const expect = (text: string, what: string): Token => {
    const t = peek();
    if (t.kind !== 'symbol' || t.text !== text) fail(t, `expected ${what}, found ${t.kind === 'eof' ? 'the end of the signature' : `'${t.text}'`}`);
    at++;
    return t;
  };
  while (peek().kind !== 'eof') {
    const name = peek();
    if (name.kind !== 'ident') fail(name, `expected a predicate name, found '${name.text}'`);
    at++;
    if (predicates.has(name.text)) fail(name, `the predicate ${name.text} is declared twice`);
    expect('(', `'(' after the predicate name ${name.text}`);
    const attributes: string[] = [];
    const types: ValueType[] = [];
    while (!(peek().kind === 'symbol' && peek().text === ')')) {
      if (types.length > 0) expect(',', "',' or ')'");
      const first = peek();
      if (first.kind !== 'ident') fail(first, `expected an attribute (name:type or type), found '${first.text}'`);
      at++;
      let typeToken = first;
      let attribute = '';
      if (peek().kind === 'symbol' && peek().text === ':') {
        at++;
        typeToken = peek();
        attribute = first.text;
        if (typeToken.kind !== 'ident') fail(typeToken, `expected a type after '${first.text}:'`);
        at++;
      }
      const type = Object.hasOwn(TYPES, typeToken.text) ? TYPES[typeToken.text] : undefined;
      if (type === undefined) {
        fail(typeToken, typeToken.text === 'regexp' ? 'the type regexp is not supported' : `unknown type '${typeToken.text}' (expected int, string or float)`);
      }
      attributes.push(attribute);
      types.push(type as ValueType);
    }
    at++;
    predicates.set(name.text, { name: name.text, attributes, types });
  }
  return predicates;
}
