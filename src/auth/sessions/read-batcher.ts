/** How reads are grouped: how many statements may be in flight at once, and how many keys one may carry. */
export interface ReadBatchLimits {
  maxConcurrent: number;
  maxBatchSize: number;
}

interface Waiter<K, V> {
  key: K;
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups reads by key into one statement: what arrives in the same turn of the event loop, or while the statements
 * in flight are at their limit, goes out together. Nothing waits for company: a lone read leaves at the end of the
 * turn it came in. Each caller gets its own key's value (undefined: not found) or the batch's failure.
 */
export class ReadBatcher<K, V> {
  private queue: Waiter<K, V>[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** The size of every batch sent, for the benchmark's report (the last 10,000). */
  readonly sizes: number[] = [];

  constructor(
    private readonly readMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly limits: ReadBatchLimits,
    private readonly onSend: (size: number) => void = () => undefined,
  ) {}

  /** Reads waiting for a statement (not yet sent). */
  get queued(): number {
    return this.queue.length;
  }

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.limits.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && this.inFlight < this.limits.maxConcurrent) {
      const batch =
        this.queue.length <= this.limits.maxBatchSize ? this.queue : this.queue.slice(0, this.limits.maxBatchSize);
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
      void this.send(batch);
    }
  }

  private async send(batch: Waiter<K, V>[]): Promise<void> {
    this.inFlight++;
    if (this.sizes.length >= 10_000) this.sizes.length = 0;
    this.sizes.push(batch.length);
    this.onSend(batch.length);
    try {
      const found = await this.readMany([...new Set(batch.map((waiter) => waiter.key))]);
      for (const waiter of batch) waiter.resolve(found.get(waiter.key));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
