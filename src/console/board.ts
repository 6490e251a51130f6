/**
 * The console's channel: messages are printed as they arrive, files they carry are saved, and
 * their buttons get numbers the person types to press them. Numbers are never reused for another
 * message, so an old number cannot press the wrong button; an edited message keeps its numbers.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { extname, join, relative, basename } from 'node:path';
import { fitReply } from '../kit/render.js';
import type { Reply } from '../kit/types.js';
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
}

export interface Pressed {
  messageId: string;
  customId: string;
}

/** How many messages keep clickable buttons. */
const KEEP = 200;

export class Board implements Surface {
  private nextMessage = 1;
  private nextNumber = 1;
  private readonly messages = new Map<string, Shown>();
  private readonly buttons = new Map<number, { messageId: string; customId: string; label: string; disabled: boolean }>();
  private hinted = false;

  constructor(
    private readonly screen: Screen,
    private readonly opts: { exportsDir: string; cwd: string; renderOptions(): Omit<RenderOptions, 'color' | 'width'> },
  ) {}

  show(reply: Reply, opts: { ephemeral: boolean; header?: string }): string {
    const id = String(200_000_000_000_000_000n + BigInt(this.nextMessage++));
    const shown: Shown = { ephemeral: opts.ephemeral, numbers: [] };
    this.messages.set(id, shown);
    this.forgetOld();
    this.print(id, shown, reply, opts.header ?? 'Hindsight');
    return id;
  }

  replace(messageId: string, reply: Reply): void {
    const shown = this.messages.get(messageId);
    if (!shown) {
      this.show(reply, { ephemeral: reply.ephemeral ?? false, header: 'Hindsight edited an older message' });
      return;
    }
    this.print(messageId, shown, reply, 'Hindsight edited the message');
  }

  /** The button with that number, or a UserError-worthy reason it cannot be pressed. */
  press(n: number): Pressed | string {
    const b = this.buttons.get(n);
    if (!b) return this.nextNumber > 1 ? `There is no button [${n}]: use a number shown in brackets under a recent message.` : 'There are no buttons yet: they come with messages such as /predict list or /predict show.';
    if (b.disabled) return `[${n}] ${b.label} is disabled.`;
    return { messageId: b.messageId, customId: b.customId };
  }

  private print(id: string, shown: Shown, raw: Reply, header: string): void {
    const reply = fitReply(raw);
    const buttons = buttonsOf(reply);
    // An edited message keeps its numbers, position by position; new buttons get new ones.
    const old = shown.numbers.filter((n): n is number => n !== undefined);
    for (const n of old) this.buttons.delete(n);
    shown.numbers = buttons.map((b) => (b.customId === undefined ? undefined : (old.shift() ?? this.nextNumber++)));
    buttons.forEach((b, i) => {
      const n = shown.numbers[i];
      if (n !== undefined && b.customId !== undefined) this.buttons.set(n, { messageId: id, customId: b.customId, label: b.label, disabled: b.disabled });
    });
    const s = styles(this.screen.color);
    const lines = renderMessage(reply, {
      ...this.opts.renderOptions(),
      color: this.screen.color,
      width: this.screen.width - 2,
      numbers: shown.numbers,
      saved: (reply.files ?? []).map((f) => this.save(f.name, f.data)),
    });
    const head = s.dim(`${header}${shown.ephemeral ? ' (only you can see this)' : ''}:`);
    const hint = buttons.some((b) => b.customId && !b.disabled) && !this.hinted ? [s.dim('(type a number to press that button)')] : [];
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
