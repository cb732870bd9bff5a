const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;

/**
 * Follows the ends of the user's sessions on the demo's server-sent events (`GET /auth/sessions/events`): each one
 * that ends elsewhere, then this one's own end, after which the stream stops. When the stream breaks, is refused or
 * says it can no longer tell (`interrupted`), what it may have missed is read again (`check`, which answers whether
 * the session still lives) before it listens again, waiting longer after each failure.
 */
export function followSessions({ onOtherEnded, onThisEnded, check }) {
  let source;
  let timer;
  let stopped = false;
  let retryMs = FIRST_RETRY_MS;

  const open = () => {
    let opened = false;
    source = new EventSource('/auth/sessions/events');
    source.addEventListener('open', () => {
      // The browser reconnected on its own after a break: ends in between were not heard.
      if (opened) onOtherEnded();
      opened = true;
      retryMs = FIRST_RETRY_MS;
    });
    source.addEventListener('message', (event) => {
      const revocation = JSON.parse(event.data);
      if (!revocation.current) return onOtherEnded(revocation);
      stop();
      onThisEnded(revocation);
    });
    source.addEventListener('interrupted', () => restart());
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) restart();
    });
  };

  const restart = () => {
    source.close();
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!stopped && (await check()) && !stopped) open();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };

  open();
  return { stop };
}
