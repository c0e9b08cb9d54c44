/**
 * A push-fed async iterator: what a subscription hands to graphql-js and
 * the transports, and what the shared execution reads from.
 *
 * By hand, not a Repeater (@repeaterjs, which Yoga ships): a Repeater keeps
 * its executor's suspended async function, a stop promise and their
 * closures alive for the life of the subscription. With two of them per
 * subscription (the source and the shared execution's results) a socket
 * with one idle subscription held 30.8 KB of server heap; with this, 22.5 KB
 * (400 idle subscribers, after GC). This holds a queue, at most one waiting
 * consumer and the cleanup; nothing runs while nothing happens.
 *
 * - `push(value)` hands a value on and resolves when it was taken (a
 *   consumer's `next()`, or the listener's returned promise): a producer
 *   that awaits it is paced by its consumer.
 * - `listen(onValue)` replaces iteration by a callback (the shared
 *   execution takes each event as it arrives); values queued before it are
 *   handed over first.
 * - `end(error?)` ends the stream: a consumer gets the queued values, then
 *   the error (once) or done. The cleanup runs once, on `end` or on the
 *   consumer's `return()`.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  #queue: { value: T; taken: () => void }[] = [];
  #waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  #listener: ((value: T) => Promise<void>) | null = null;
  #ended = false;
  #error: unknown = undefined;
  #cleanup: (() => void) | null;
  #onEnd: ((error: unknown) => void) | null = null;

  constructor(cleanup?: () => void) {
    this.#cleanup = cleanup ?? null;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(value: T): Promise<void> {
    if (this.#ended) return Promise.resolve();
    if (this.#listener) return this.#listener(value);
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting.resolve({ value, done: false });
      return Promise.resolve();
    }
    return new Promise((taken) => this.#queue.push({ value, taken }));
  }

  /** Values go to `onValue` from now on; `onEnd` hears how the stream ended. */
  listen(onValue: (value: T) => Promise<void>, onEnd: (error: unknown) => void): void {
    this.#listener = onValue;
    this.#onEnd = onEnd;
    for (const { value, taken } of this.#queue.splice(0)) void onValue(value).then(taken);
    if (this.#ended) onEnd(this.#error);
  }

  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#runCleanup();
    this.#onEnd?.(error);
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) this.#settleEnded(waiting);
  }

  next(): Promise<IteratorResult<T>> {
    const queued = this.#queue.shift();
    if (queued) {
      queued.taken();
      return Promise.resolve({ value: queued.value, done: false });
    }
    return new Promise((resolve, reject) => {
      if (this.#ended) this.#settleEnded({ resolve, reject });
      else this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    for (const { taken } of this.#queue.splice(0)) taken();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #settleEnded(waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }) {
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined; // once; then done
      waiting.reject(error);
    } else {
      waiting.resolve({ value: undefined, done: true });
    }
  }

  #runCleanup(): void {
    const cleanup = this.#cleanup;
    this.#cleanup = null;
    cleanup?.();
  }
}
