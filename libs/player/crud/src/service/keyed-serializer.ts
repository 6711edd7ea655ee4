/**
 * Runs tasks of the same key one after another, tasks of different keys at once. The CRUD
 * service runs each player's commands through it: two commands of one player in the same
 * process would otherwise read the same version and one of them lose the race (an OCC
 * conflict, a backoff and a second read and write). Across processes the version guard
 * still decides; this only stops a process from racing itself.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task, task) : task();
    // The tail never rejects, so a failed task does not fail the next one of its key.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }
}
