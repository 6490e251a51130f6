/**
 * The console's channel: messages are printed as they arrive, files they carry are saved, and
 * their buttons get numbers the person types to press them. Numbers are never reused for another
 * message, so an old number cannot press the wrong button; an edited message keeps its numbers.
 *
 * A bare number presses only a button of the latest buttons shown: the messages with buttons that
 * the last line to show any brought (a reply, and a round posted meanwhile). A number under an
 * older message is refused with what it is and the latest numbers; `/click N` presses it anyway.
 * So "1" typed after a card [41]–[44] never votes through the card of an hour ago.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { extname, join, relative, basename } from 'node:path';
import type { APIEmbed } from 'discord-api-types/v10';
import { fitReply } from '../kit/render.js';
import type { Reply } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';
import type { Surface } from './calls.js';
import { buttonsOf, renderMessage, styles, type RenderOptions, type SavedFile } from './render.js';

/** Where text goes: above the prompt when one is shown. */
export interface Screen {
  print(text: string): void;
  readonly color: boolean;
  readonly width: number;
}

interface Shown {
  ephemeral: boolean;
  /** Per button of the message (in order): its number, or undefined for a link button. */
  numbers: (number | undefined)[];
  /** The line (of what the person typed) that showed it. */
  line: number;
  /** What it is, in a few words (its first title or line), for a refusal. */
  about: string;
  /** Its embeds as shown (a click carries them, as Discord's does: the card's frame). */
  embeds: APIEmbed[];
}

export interface Pressed {
  messageId: string;
  customId: string;
  /** The message the button is on, as a click carries it. */
  embeds: APIEmbed[];
  ephemeral: boolean;
}

/** How many messages keep clickable buttons. */
const KEEP = 200;

export class Board implements Surface {
  private nextMessage = 1;
  private nextNumber = 1;
  private readonly messages = new Map<string, Shown>();
  private readonly buttons = new Map<number, { messageId: string; customId: string; label: string; disabled: boolean }>();
  private hinted = false;
  /** The person's lines so far; the line whose messages hold the latest buttons. */
  private line = 0;
  private latestLine = 0;

  constructor(
    private readonly screen: Screen,
    private readonly opts: { exportsDir: string; cwd: string; renderOptions(): Omit<RenderOptions, 'color' | 'width'>; t?: Translator },
  ) {}

  /** The reader's language for the board's own words (headers, button refusals). */
  get t(): Translator {
    return this.opts.t ?? EN;
  }

  /** A new line of the person's begins: the next message with buttons holds the latest ones. */
  newLine(): void {
    this.line += 1;
  }

  show(reply: Reply, opts: { ephemeral: boolean; header?: string }): string {
    const id = String(200_000_000_000_000_000n + BigInt(this.nextMessage++));
    const shown: Shown = { ephemeral: opts.ephemeral, numbers: [], line: this.line, about: '', embeds: [] };
    this.messages.set(id, shown);
    this.forgetOld();
    this.print(id, shown, reply, opts.header ?? this.t('console.board.hindsight'));
    return id;
  }

  replace(messageId: string, reply: Reply): void {
    const shown = this.messages.get(messageId);
    if (!shown) {
      this.show(reply, { ephemeral: reply.ephemeral ?? false, header: this.t('console.board.editedOlder') });
      return;
    }
    this.print(messageId, shown, reply, this.t('console.board.edited'));
  }

  /**
   * The button with that number, or a UserError-worthy reason it cannot be pressed. A bare number
   * (not `explicit`, i.e. not /click N) must be one of the latest buttons shown.
   */
  press(n: number, opts: { explicit?: boolean } = {}): Pressed | string {
    const b = this.buttons.get(n);
    if (!b) return this.nextNumber > 1 ? this.t('console.board.noButton', { n }) : this.t('console.board.noButtons');
    const shown = this.messages.get(b.messageId);
    if (!opts.explicit && shown && shown.line !== this.latestLine) {
      const latest = this.latestNumbers();
      const range = !latest.length
        ? ''
        : latest.length === 1
          ? this.t('console.board.latestOne', { first: latest[0]! })
          : this.t('console.board.latestRange', { first: latest[0]!, last: latest[latest.length - 1]! });
      return this.t('console.board.olderButton', { n, label: b.label, about: shown.about, latest: range });
    }
    if (b.disabled) return this.t('console.board.disabled', { n, label: b.label });
    return { messageId: b.messageId, customId: b.customId, embeds: shown?.embeds ?? [], ephemeral: shown?.ephemeral ?? false };
  }

  /** The numbers of the latest buttons shown, in order. */
  private latestNumbers(): number[] {
    const out: number[] = [];
    for (const shown of this.messages.values()) if (shown.line === this.latestLine) for (const n of shown.numbers) if (n !== undefined) out.push(n);
    return out.sort((a, b) => a - b);
  }

  private print(id: string, shown: Shown, raw: Reply, header: string): void {
    const reply = fitReply(raw);
    shown.embeds = reply.embeds ?? [];
    const buttons = buttonsOf(reply);
    // An edited message keeps its numbers, position by position; new buttons get new ones.
    const old = shown.numbers.filter((n): n is number => n !== undefined);
    for (const n of old) this.buttons.delete(n);
    shown.numbers = buttons.map((b) => (b.customId === undefined ? undefined : (old.shift() ?? this.nextNumber++)));
    buttons.forEach((b, i) => {
      const n = shown.numbers[i];
      if (n !== undefined && b.customId !== undefined) this.buttons.set(n, { messageId: id, customId: b.customId, label: b.label, disabled: b.disabled });
    });
    const first = reply.embeds?.[0]?.title ?? reply.content?.split('\n')[0] ?? this.t('console.board.aMessage');
    shown.about = first.length > 60 ? `${first.slice(0, 59)}…` : first;
    // A message with buttons shown on a new line holds the latest buttons (an edit keeps its line).
    if (shown.numbers.some((n) => n !== undefined) && shown.line > this.latestLine) this.latestLine = shown.line;
    const s = styles(this.screen.color);
    const lines = renderMessage(reply, {
      ...this.opts.renderOptions(),
      t: this.t,
      color: this.screen.color,
      width: this.screen.width - 2,
      numbers: shown.numbers,
      saved: (reply.files ?? []).map((f) => this.save(f.name, f.data)),
    });
    const head = s.dim(`${header}${shown.ephemeral ? ` ${this.t('console.board.onlyYou')}` : ''}:`);
    const hint = buttons.some((b) => b.customId && !b.disabled) && !this.hinted ? [s.dim(this.t('console.board.pressHint'))] : [];
    if (hint.length) this.hinted = true;
    this.screen.print([head, ...lines.map((l) => `  ${l}`), ...hint.map((l) => `  ${l}`)].join('\n'));
  }

  private save(name: string, data: Buffer): SavedFile {
    mkdirSync(this.opts.exportsDir, { recursive: true });
    const safeName = basename(name).replace(/[^\w.-]+/g, '_') || 'file';
    const ext = extname(safeName);
    let path = join(this.opts.exportsDir, safeName);
    for (let i = 1; existsSync(path); i++) path = join(this.opts.exportsDir, `${safeName.slice(0, safeName.length - ext.length)}-${i}${ext}`);
    writeFileSync(path, data);
    const shown = relative(this.opts.cwd, path);
    return { name, path: shown.startsWith('..') ? path : `./${shown}`, bytes: data.byteLength };
  }

  private forgetOld(): void {
    if (this.messages.size <= KEEP) return;
    const [oldest] = this.messages.keys();
    if (oldest === undefined) return;
    for (const n of this.messages.get(oldest)?.numbers ?? []) if (n !== undefined) this.buttons.delete(n);
    this.messages.delete(oldest);
  }
}
