/**
 * Issue 26: every string a member reads comes from the message catalogs (src/i18n/locales), not
 * from an English literal in a handler. This reads the handlers' sources with the TypeScript
 * compiler API and fails on any string or template literal of two or more English words left in
 * them, apart from a short list of places that are not messages (each with its reason below).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folders whose every string a person reads must come from the catalogs. */
const SCANNED = ['commands', 'src/components', 'src/console'];

/** Two words of Latin letters: "Claim added", "not yet" (a catalog key or a custom id has no space). */
const ENGLISH_WORDS = /[A-Za-z]{2,}[’']?[a-z]*\s+[A-Za-z]{2,}/;

/** Methods whose string arguments are never shown to a member: the logger's. */
const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/**
 * Literals that are not messages, by file and text (a substring of the literal). Keep it short:
 * each entry says why the text is not a message.
 */
const ALLOWED: { file: string; text: string; why: string }[] = [
  // Part of /predict's option descriptions: the definition's English, localized from the catalogs'
  // `commands` table like the rest of the definition (the phrases are what the date reader accepts).
  { file: 'commands/predict.ts', text: 'YYYY-MM-DD, "in 3 months"', why: 'option descriptions of the definition' },
  // A command line the member is told to type (its words are the command's, not English prose).
  { file: 'commands/predict.ts', text: '/predict export{} from:{}', why: 'a command to type' },
  // The console's log context for a bug of its own (operators read logs in English).
  { file: 'src/console/session.ts', text: 'console line', why: 'a log field' },
  // A failed post's error: logged for operators (English), never shown to a member.
  { file: 'src/console/poster.ts', text: 'The console has no channel', why: 'an error for the log' },
  // `npm start -- --help`: the program's usage for whoever installs it, printed by src/main.ts
  // before any console (or --locale) exists; an operator's text like the logs.
  { file: 'src/console/help.ts', text: 'Hindsight keeps a server', why: 'the program --help for operators' },
];

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The literal's text with `{}` where a template has an expression. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('{}');
  return null;
}

/** Whether `node` sits where a literal is not a message: imports, a command's definition, a log call, `new Error`. */
function exempt(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isImportDeclaration(at) || ts.isExportDeclaration(at)) return true;
    // Command definitions: their names and descriptions are localized from the catalogs' `commands`
    // table (src/i18n/commands.ts), and checked by test/unit/command-localizations.test.ts.
    if (ts.isVariableDeclaration(at) && ts.isIdentifier(at.name) && at.name.text === 'definition') return true;
    if (ts.isCallExpression(at) && ts.isPropertyAccessExpression(at.expression)) {
      const method = at.expression.name.text;
      const target = at.expression.expression.getText();
      if (LOG_METHODS.has(method) && /(^|\.)log$/.test(target)) return true;
    }
    // A bug's own error: the error boundary never shows its text (the member reads "Something went wrong").
    if (ts.isNewExpression(at) && ts.isIdentifier(at.expression) && at.expression.text === 'Error') return true;
    // A type (a string literal type is not a message).
    if (ts.isTypeNode(at)) return true;
  }
  return false;
}

/** Every English literal of a source text that is not exempt. */
export function englishLiterals(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null) {
      if (ENGLISH_WORDS.test(text) && !exempt(node)) found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sources(): { file: string; source: string }[] {
  return SCANNED.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => {
        const path = join(ROOT, dir, f);
        return { file: relative(ROOT, path).split('\\').join('/'), source: readFileSync(path, 'utf8') };
      }),
  );
}

const allowed = (f: Finding) => ALLOWED.some((a) => a.file === f.file && f.text.includes(a.text));

describe('strings a person reads', () => {
  it('finds English left in a handler (the scanner itself)', () => {
    const handler = [
      "import { x } from '../src/kit/some module.js';",
      'export const definition = { description: "The ledger of forecasts" };',
      'export async function execute(call, ctx) {',
      "  ctx.log.warn({ claim: 1 }, 'vote stored, but not delivered');",
      "  if (!call.ok) throw new UserError('Only managers can do that.');",
      "  if (!call.db) throw new Error('the round failed; see the logs');",
      '  await call.reply({ content: `Claim #${1} added to the ledger.`, embeds: [{ title: call.t("predict.added") }] });',
      "  return { label: 'Keep it', custom_id: 'del:1:no' };",
      '}',
    ].join('\n');
    expect(englishLiterals('commands/example.ts', handler).map((f) => [f.line, f.text])).toEqual([
      [5, 'Only managers can do that.'],
      [7, 'Claim #{} added to the ledger.'],
      [8, 'Keep it'],
    ]);
  });

  it('come from the catalogs in commands/, src/components/ and src/console/ (no English literal left)', () => {
    const left = sources()
      .flatMap(({ file, source }) => englishLiterals(file, source))
      .filter((f) => !allowed(f))
      .map((f) => `${f.file}:${f.line} ${JSON.stringify(f.text.slice(0, 100))}`);
    expect(left).toEqual([]);
  });

  it('allows only what is still in the sources', () => {
    const all = sources().flatMap(({ file, source }) => englishLiterals(file, source));
    for (const a of ALLOWED) expect(all.some((f) => f.file === a.file && f.text.includes(a.text)), `${a.file}: ${a.why}`).toBe(true);
  });
});
