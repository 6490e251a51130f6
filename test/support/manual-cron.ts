/**
 * A cron driver the test fires by hand, in place of node-cron's timers (SchedulerOptions.cron,
 * startApp's and startBotHarness's `cron`): a test says which slot fires and waits for that run to
 * finish, instead of sleeping until the wall clock reaches the next slot. It runs a fire the way
 * node-cron does — through the task's run coordinator when the task is distributed, skipped while
 * the task is stopped — so the scheduler's own code is what runs.
 * The real node-cron path stays covered by the process tests (test/process/processes.test.ts).
 */
import type { TaskOptions } from 'node-cron';
import type { CronSchedule, CronTask } from '../../src/jobs/scheduler.js';

interface Task {
  expression: string;
  fn: (context: { date: Date }) => Promise<void>;
  options: TaskOptions;
  live: boolean;
}

export class ManualCron {
  private readonly tasks: Task[] = [];

  /** Pass this as the `cron` option. */
  readonly schedule: CronSchedule = (expression, fn, options): CronTask => {
    const task: Task = { expression, fn, options, live: true };
    this.tasks.push(task);
    return {
      stop: () => {
        task.live = false;
      },
      destroy: () => {
        task.live = false;
        this.tasks.splice(this.tasks.indexOf(task), 1);
      },
    };
  };

  /** Names of the live tasks (the scheduler names them `schedule-<id>` and `hindsight-scheduler-maintenance`). */
  names(): string[] {
    return this.tasks.filter((t) => t.live).map((t) => t.options.name ?? t.expression);
  }

  /**
   * Fires the live task named `name` for the slot `date`, as node-cron would at that moment, and
   * resolves once the run has finished. Fails when no such task is live (a schedule removed,
   * paused or disabled has none).
   */
  async fire(name: string, date: Date): Promise<void> {
    const task = this.tasks.find((t) => t.live && (t.options.name ?? t.expression) === name);
    if (!task) throw new Error(`no live cron task ${name} (live: ${this.names().join(', ') || 'none'})`);
    const coordinator = task.options.distributed ? task.options.runCoordinator : undefined;
    if (coordinator && !(await coordinator.shouldRun(`${task.options.name ?? ''}:${date.toISOString()}`, 60_000))) return;
    await task.fn({ date });
  }

  /** True while a live task of that name exists. */
  has(name: string): boolean {
    return this.tasks.some((t) => t.live && (t.options.name ?? t.expression) === name);
  }
}
