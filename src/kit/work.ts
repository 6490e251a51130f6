/**
 * The worker pool as handlers see it (ctx.work): the pool's refusals (busy, out of time, out of
 * memory, a page too complex to read) become UserErrors, answered to the member as they are.
 */
import { WorkRefused, type WorkRunner } from '../work/index.js';
import { UserError, type Work } from './types.js';

export function memberFacing(runner: WorkRunner): Work {
  return {
    run(guildId, kind, input) {
      return runner.run(guildId, kind, input).catch((error: unknown) => {
        throw error instanceof WorkRefused ? new UserError(error.message) : error;
      });
    },
  };
}
