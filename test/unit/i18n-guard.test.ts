/**
 * Guard (issue 26): the views and posts a person reads, and the ledger's refusals, take their words
 * from the message catalogs, not from English literals in the code. Read with the TypeScript
 * compiler API: every string and template literal of src/kit/render.ts, src/jobs/rounds.ts,
 * src/jobs/direct-messages.ts and the charts (src/charts/calibration.ts, outcomes.ts), and every literal inside a `throw` (or a refusal helper's call) in
 * src/ledger, is checked for English words. What is left is listed below with why.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Text a person would read as English: two words with a space between them (punctuation aside), or
 * one capitalised word ("Status", "Source"). A catalog key ('card.status.waiting') has no space.
 */
const ENGLISH = /[A-Za-z]{2,}[^A-Za-z\s]*\s[^A-Za-z]*[A-Za-z]{2,}|^[A-Z][a-z]{2,}[.!?…]*$/;
const isEnglish = (text: string) => ENGLISH.test(text.replace(/\$\{…\}/g, '').trim());

/**
 * Literals that may stay, by file, with the reason. Anything else English fails the test.
 */
const ALLOWED: Record<string, { text: RegExp; why: string }[]> = {
  'src/kit/render.ts': [{ text: /^Hindsight$/, why: 'the bot’s name in a card footer, the same in every language' }],
  'src/jobs/rounds.ts': [
    { text: /^`?\/(predict|reminders) [a-z-]+( [a-z-]+:[^ ]*)*`?$/, why: 'a command as typed (Discord shows its localized name; the English one works in every language)' },
    { text: /^(disabled|paused): /, why: 'the schedule’s status reason as stored in the database (kept in English, like the audit log)' },
    { text: /^(unknown channel|missing access)$/, why: 'an audit record’s detail (data, not a message)' },
  ],
  'src/jobs/direct-messages.ts': [
    { text: /^not answered after .* tries|^the claim was deleted$/, why: 'a delivery error stored in direct_messages.error for operators (never sent to a member)' },
  ],
};

/** Calls whose arguments are never read by a member: logs, internal errors, SQL. */
function isExempt(node: ts.Node): boolean {
  for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
    if (ts.isTaggedTemplateExpression(p)) return true; // sql`…`
    if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isLiteralTypeNode(p)) return true;
    if (ts.isNewExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'Error') return true;
    if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression)) {
      const name = p.expression.name.text;
      const target = p.expression.expression.getText();
      if (['warn', 'info', 'error', 'debug', 'trace', 'fatal'].includes(name) && /log/i.test(target)) return true;
    }
  }
  return false;
}

/** The literal text of a string or template literal (the template's fixed parts joined by a placeholder). */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('${…}');
  return null;
}

const parse = (file: string) => ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);

/** English literals of a whole file (outside logs, internal errors and SQL). */
export function englishLiterals(file: string, source = parse(file)): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null) {
      // A property's name (`{ 'claim.add': … }`) is a key, not text.
      const isKey = ts.isPropertyAssignment(node.parent) && node.parent.name === node;
      if (!isKey && !isExempt(node) && isEnglish(text)) found.push(text);
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The helpers the ledger refuses with (src/ledger/errors.ts and local ones), and the article fetcher's refusal. */
const REFUSALS = new Set(['invalid', 'notFound', 'forbidden', 'conflict', 'closed', 'LedgerError', 'refuse', 'FetchArticleError']);

/** English literals the ledger throws: inside `throw …`, or passed to a refusal helper. */
export function thrownEnglish(file: string, source = parse(file)): string[] {
  const found: string[] = [];
  const inRefusal = (node: ts.Node) => {
    for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
      if (ts.isThrowStatement(p)) return !(p.expression && ts.isNewExpression(p.expression) && ts.isIdentifier(p.expression.expression) && p.expression.expression.text === 'Error');
      if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && ts.isIdentifier(p.expression) && REFUSALS.has(p.expression.text)) return true;
      if (ts.isFunctionLike(p)) return false;
    }
    return false;
  };
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null && inRefusal(node) && isEnglish(text)) found.push(text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const allowed = (file: string, text: string) => (ALLOWED[file] ?? []).some((a) => a.text.test(text));

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('no user-facing English literal', () => {
  for (const file of ['src/kit/render.ts', 'src/jobs/rounds.ts', 'src/jobs/direct-messages.ts', 'src/charts/calibration.ts', 'src/charts/outcomes.ts']) {
    it(`in ${file}: every word a person reads comes from the catalogs`, () => {
      expect(englishLiterals(file).filter((text) => !allowed(file, text))).toEqual([]);
    });
  }

  it('in the ledger’s refusals (src/ledger): each throws a catalog key with values', () => {
    const files = tsFiles('src/ledger');
    expect(files.length).toBeGreaterThan(20);
    const left = files.flatMap((file) => thrownEnglish(file).map((text) => `${relative('.', file)}: ${text}`));
    expect(left).toEqual([]);
  });

  it('in the article fetcher’s refusals (src/extract/fetch.ts): each a catalog key with values', () => {
    expect(thrownEnglish('src/extract/fetch.ts')).toEqual([]);
  });

  it('finds what it guards against (a literal in a view, a thrown English message)', () => {
    const view = ts.createSourceFile('v.ts', "export const f = (n: number) => ({ name: 'Check by', value: `Claim #${n} resolved` });\nlog.warn({}, 'a log line stays');", ts.ScriptTarget.Latest, true);
    expect(englishLiterals('v.ts', view)).toEqual(['Check by', 'Claim #${…} resolved']);
    const ledger = ts.createSourceFile('l.ts', "if (x) throw invalid(`There is no claim #${n} in this server.`);\nthrow invalid('ledgerErrors.noClaim', { number: n });\nthrow new Error('a bug, not a message');", ts.ScriptTarget.Latest, true);
    expect(thrownEnglish('l.ts', ledger)).toEqual(['There is no claim #${…} in this server.']);
  });
});
