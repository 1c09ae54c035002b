// Run tasks one after another per key, in the order they were handed in: the private stream delivers a
// symbol's executions in venue order, and folding them concurrently would let a later one commit first.
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    // A failed task must not stop the ones behind it; its caller sees its error.
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
