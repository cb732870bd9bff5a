import net from 'node:net';

/** A TCP proxy between the app and PostgreSQL that a test can cut and restore. */
export interface TcpProxy {
  /** The target's URL with the proxy's port. */
  url: string;
  /**
   * From now on nothing gets through either way, and nothing is refused: connections and queries just
   * hang, as in a network partition. Given `onlyNamed`, only the connections whose start-up message
   * holds that text (an `application_name`), open or new, are cut; the others go on.
   */
  cut(onlyNamed?: string): void;
  /** From now on every answer of the database reaches the app `ms` later: a slow link, not a cut one. */
  slow(ms: number): void;
  /** Ends every connection it carried (as when a partition heals with resets) and forwards again, at full speed. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  /** Undefined: everything flows; null: nothing does; a text: connections whose start-up holds it are cut. */
  let cutting: string | null | undefined;
  let delayMs = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    track(upstream);
    // PostgreSQL's start-up message, the client's first bytes, names the connection's application.
    let startup: string | undefined;
    const flows = () => cutting === undefined || (cutting !== null && !startup?.includes(cutting));
    client.on('data', (chunk) => {
      startup ??= chunk.toString('latin1');
      if (flows()) upstream.write(chunk);
    });
    const answer = (chunk: Buffer) => flows() && client.write(chunk);
    // Equal delays keep the chunks in order.
    upstream.on('data', (chunk: Buffer) => (delayMs ? setTimeout(answer, delayMs, chunk) : answer(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut: (onlyNamed) => {
      cutting = onlyNamed ?? null;
    },
    slow: (ms) => {
      delayMs = ms;
    },
    restore: () => {
      for (const socket of sockets) socket.destroy();
      cutting = undefined;
      delayMs = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
