// Watching one share folder: fs.watch plus polling, because change notifications do not always arrive from
// Windows shares. A watcher lost to an error is re-armed on the next poll; a folder that cannot be watched at all
// is polled only.
import { watch, type FSWatcher } from 'node:fs';

export interface FolderWatchOptions {
  /** Use fs.watch in addition to polling. */
  watch: boolean;
  pollMs: number;
}

export class FolderWatch {
  private watcher: FSWatcher | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  /**
   * @param onName a file name fs.watch reported as changed
   * @param onPoll a full scan: on every poll, and when fs.watch reports a change without a name
   */
  constructor(
    private readonly dir: string,
    private readonly opts: FolderWatchOptions,
    private readonly onName: (name: string) => void,
    private readonly onPoll: () => Promise<void>,
  ) {
    this.arm();
    this.timer = setInterval(() => {
      this.arm();
      void this.onPoll();
    }, opts.pollMs);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private arm(): void {
    if (this.closed || this.watcher || !this.opts.watch) return;
    try {
      const w = watch(this.dir, { persistent: true }, (_event, filename) => {
        if (filename) this.onName(filename.toString());
        else void this.onPoll();
      });
      w.on('error', () => {
        w.close();
        if (this.watcher === w) this.watcher = undefined; // polling carries on; the next poll re-arms
      });
      this.watcher = w;
    } catch {
      // e.g. the folder is missing or the share refuses notifications: polling only
    }
  }
}
