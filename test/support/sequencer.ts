/**
 * The order test files start in (vitest's `sequence.sequencer`). Vitest's own order runs the
 * projects one after another by name, so the child-process files of `process` (the longest of the
 * run, mostly waiting on their children) started last and ran with little beside them. Longest
 * first packs two workers better: `process` files start first, then every other project in
 * vitest's order (failed first, then by their last duration or size).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const FIRST = ['process', 'e2e'];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = FIRST.indexOf(f.project.name);
      return i === -1 ? FIRST.length : i;
    };
    const group = (f: TestSpecification) => f.project.config.sequence.groupOrder;
    // Array.prototype.sort is stable: within a rank, vitest's order stays.
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => group(a.f) - group(b.f) || rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}
