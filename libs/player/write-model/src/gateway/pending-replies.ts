interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Requests waiting for their decision, by command id. Several requests may wait for the
 * same id (a client retrying while the first try is still pending): one reply answers all.
 */
export class PendingReplies<T> {
  private readonly waiters = new Map<string, Set<Waiter<T>>>();
  private count = 0;

  /** Waits for the reply to commandId; rejects with onTimeout() after timeoutMs. */
  wait(commandId: string, timeoutMs: number, onTimeout: () => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(commandId, waiter);
          reject(onTimeout());
        }, timeoutMs),
      };
      const forId = this.waiters.get(commandId) ?? new Set<Waiter<T>>();
      forId.add(waiter);
      this.waiters.set(commandId, forId);
      this.count += 1;
    });
  }

  /** Answers every request waiting for commandId; false when none waits (late or foreign reply). */
  resolve(commandId: string, value: T): boolean {
    return this.settle(commandId, (waiter) => waiter.resolve(value));
  }

  /** Fails every request waiting for commandId. */
  reject(commandId: string, error: unknown): boolean {
    return this.settle(commandId, (waiter) => waiter.reject(error));
  }

  /** Fails every waiting request (shutdown). */
  rejectAll(error: unknown): void {
    for (const commandId of [...this.waiters.keys()]) this.reject(commandId, error);
  }

  /** Requests currently waiting. */
  get size(): number {
    return this.count;
  }

  private settle(commandId: string, action: (waiter: Waiter<T>) => void): boolean {
    const forId = this.waiters.get(commandId);
    if (!forId) return false;
    this.waiters.delete(commandId);
    this.count -= forId.size;
    for (const waiter of forId) {
      clearTimeout(waiter.timer);
      action(waiter);
    }
    return true;
  }

  private remove(commandId: string, waiter: Waiter<T>): void {
    const forId = this.waiters.get(commandId);
    if (!forId || !forId.delete(waiter)) return;
    this.count -= 1;
    if (forId.size === 0) this.waiters.delete(commandId);
  }
}
