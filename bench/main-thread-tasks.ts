import type { CDPSession } from '@playwright/test';

interface TaskEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  tdur?: number;
  /** `src_func`: where the task was posted from. */
  args?: { name?: string; src_func?: string };
}

/** The scheduler's task event: one per task a thread runs, with wall (`dur`) and thread CPU (`tdur`) time. */
const TASK_EVENT = 'ThreadControllerImpl::RunTask';

/**
 * The page's main-thread tasks as Chromium's trace sees them, with the CPU
 * time each took. Only the `toplevel` category, light enough to leave on for
 * a whole transfer. The longtask API counts wall time, and on a shared
 * two-core machine most of a long task's wall time can be the thread waiting
 * for a core: traced, the seed's tasks of 25–49 ms used 1–7 ms of CPU.
 * Thread CPU time is what the page's own work costs.
 */
export class MainThreadTasks {
  private readonly tasks: TaskEvent[] = [];
  private readonly mainThreads: TaskEvent[] = [];

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('Tracing.dataCollected', (batch) => {
      for (const e of batch.value as unknown as TaskEvent[]) {
        if (e.ph === 'X' && e.name === TASK_EVENT) this.tasks.push(e);
        else if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') this.mainThreads.push(e);
      }
    });
  }

  static async start(cdp: CDPSession): Promise<MainThreadTasks> {
    const recorder = new MainThreadTasks(cdp);
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', '__metadata'] }, transferMode: 'ReportEvents' });
    return recorder;
  }

  /**
   * The longest task by CPU time (ms) on the busiest renderer main thread
   * (the page's), and where it was posted from.
   * Not every task shows in the longtask API: a 333 ms sweep of Blink's
   * garbage-collected heap, traced on the seed as serving began, did not.
   */
  async stop(): Promise<{ longestCpuMs: number; postedFrom: string }> {
    const complete = new Promise<void>((resolve) => this.cdp.once('Tracing.tracingComplete', () => resolve()));
    await this.cdp.send('Tracing.end');
    await complete;
    await this.cdp.detach();
    const busiest = new Map<string, TaskEvent[]>();
    for (const thread of this.mainThreads) busiest.set(`${thread.pid}:${thread.tid}`, []);
    for (const task of this.tasks) busiest.get(`${task.pid}:${task.tid}`)?.push(task);
    const page = [...busiest.values()].reduce((a, b) => (b.length > a.length ? b : a), []);
    const costliest = page.reduce<TaskEvent | null>((a, b) => (a === null || (b.tdur ?? 0) > (a.tdur ?? 0) ? b : a), null);
    return {
      longestCpuMs: Math.round((costliest?.tdur ?? 0) / 1000),
      // e.g. "static Handle cppgc::internal::Sweeper::SweeperImpl::IncrementalSweepTask::Post(...)": keep the function.
      postedFrom: costliest?.args?.src_func?.replace(/\(.*$/, '').split(' ').pop() ?? '',
    };
  }
}
