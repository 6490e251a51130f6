/**
 * The people of the local server. A member is a name; their id is derived from it (stable across
 * runs, so votes and history stay theirs), and managers hold Manage Server. Known members are
 * remembered in a small JSON file next to the embedded database, so mentions in old history
 * still show names after a restart.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { CatalogError, type Member } from '../kit/types.js';

/** Who acts when the console starts: the owner of the local server. */
export const OWNER = 'you';

const NAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,31}$/u;

/** An 18-digit, snowflake-shaped id derived from the name (case-insensitive). */
export function memberId(name: string): string {
  const hash = createHash('sha256').update(`hindsight-console:${name.toLowerCase()}`).digest();
  return `3${(hash.readBigUInt64BE(0) % 10n ** 17n).toString().padStart(17, '0')}`;
}

export class Members {
  private readonly byId = new Map<string, Member>();

  /** `file`: where known members are kept (null: only for this run). */
  constructor(private readonly file: string | null) {
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (Array.isArray(saved)) {
          for (const m of saved as Partial<Member>[]) {
            if (typeof m.displayName === 'string' && NAME.test(m.displayName)) this.remember(m.displayName, m.isManager === true, false);
          }
        }
      } catch {
        // first run, or an unreadable file: start with no one but the owner
      }
    }
    if (!this.find(OWNER)) this.remember(OWNER, true, false);
  }

  find(nameOrId: string): Member | undefined {
    return this.byId.get(nameOrId) ?? this.byId.get(memberId(nameOrId));
  }

  /** A member by name, added (as a plain member) when new. */
  get(name: string): Member {
    const clean = name.trim().replace(/^@/, '');
    const known = this.find(clean);
    if (known) return known;
    if (!NAME.test(clean)) throw new CatalogError('console.members.badName', { name: clean.slice(0, 40) });
    return this.remember(clean, false, true);
  }

  /** Sets whether a member holds Manage Server. */
  setManager(member: Member, isManager: boolean): Member {
    return this.remember(member.displayName, isManager, true);
  }

  names(): string[] {
    return [...this.byId.values()].map((m) => m.displayName);
  }

  private remember(name: string, isManager: boolean, save: boolean): Member {
    const member: Member = { id: memberId(name), displayName: name, isManager };
    this.byId.set(member.id, member);
    if (save && this.file) {
      try {
        writeFileSync(this.file, `${JSON.stringify([...this.byId.values()], null, 2)}\n`);
      } catch {
        // not worth failing a command over: names of this run are still known
      }
    }
    return member;
  }
}
