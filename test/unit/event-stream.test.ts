import { EventStream } from "../../src/realtime/event-stream";

/** The realtime streams' iterator (src/realtime/event-stream.ts): order, pacing, endings, cleanup. */

test("values pushed before and after the consumer asks arrive in order; a push resolves once taken", async () => {
  const stream = new EventStream<number>();
  let taken = false;
  const first = stream.push(1).then(() => (taken = true));
  await Promise.resolve();
  expect(taken).toBe(false);
  expect(await stream.next()).toEqual({ value: 1, done: false });
  await first;
  expect(taken).toBe(true);
  const waiting = stream.next();
  await stream.push(2);
  expect(await waiting).toEqual({ value: 2, done: false });
});

test("an error ends the stream after the queued values, once; the cleanup runs once", async () => {
  const cleanup = jest.fn();
  const stream = new EventStream<string>(cleanup);
  void stream.push("a");
  stream.end(new Error("expired"));
  stream.end(new Error("again"));
  expect(cleanup).toHaveBeenCalledTimes(1);
  expect(await stream.next()).toEqual({ value: "a", done: false });
  await expect(stream.next()).rejects.toThrow("expired");
  expect(await stream.next()).toEqual({ value: undefined, done: true });
  await stream.push("late");
  expect(await stream.next()).toEqual({ value: undefined, done: true });
});

test("return() ends a waiting consumer, releases queued pushes and cleans up", async () => {
  const cleanup = jest.fn();
  const stream = new EventStream<number>(cleanup);
  const waiting = stream.next();
  await stream.return();
  expect(await waiting).toEqual({ value: undefined, done: true });
  expect(cleanup).toHaveBeenCalledTimes(1);

  const other = new EventStream<number>();
  const queued = other.push(7);
  await other.return();
  await expect(queued).resolves.toBeUndefined();
});

test("a listener gets the queued values first, then each push; its promise paces the producer; it hears the end", async () => {
  const stream = new EventStream<number>();
  void stream.push(1);
  const seen: number[] = [];
  let release!: () => void;
  const ends: unknown[] = [];
  stream.listen(
    (value) => {
      seen.push(value);
      return value === 2 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    },
    (error) => ends.push(error),
  );
  expect(seen).toEqual([1]);
  let paced = false;
  const second = stream.push(2).then(() => (paced = true));
  await Promise.resolve();
  expect(paced).toBe(false);
  release();
  await second;
  expect(paced).toBe(true);
  stream.end();
  expect(ends).toEqual([undefined]);
});
