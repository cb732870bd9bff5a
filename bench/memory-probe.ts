/**
 * Loaded into a demo server process by `npm run soak` (`node --expose-gc --import`), never by the app:
 * on the parent's `{ probe: 'memory' }` message it runs a full garbage collection and answers with
 * `process.memoryUsage()`, so the soak compares memory that is really held, not the collector's timing.
 */
const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: unknown) => {
  if ((message as { probe?: string } | null)?.probe !== 'memory' || !collect) return;
  collect();
  collect();
  process.send?.({ memory: process.memoryUsage() });
});
