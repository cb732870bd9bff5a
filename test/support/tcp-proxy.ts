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
  /** A database going down: every connection it carried ends, and new ones are refused until `accept`. */
  refuse(): Promise<void>;
  /** The database accepts connections again, on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

/** What the proxy changes of the traffic it forwards. */
export interface TcpProxyOptions {
  /**
   * The connections whose start-up message holds this text (an `application_name`) never receive a notification
   * (NotificationResponse): their LISTEN answered, and nothing arrives, as behind a transaction pooler.
   */
  deafTo?: string;
}

/** Drops PostgreSQL's NotificationResponse ('A') messages from a stream of backend messages. */
function withoutNotifications(): (chunk: Buffer) => Buffer {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    const kept: Buffer[] = [];
    let at = 0;
    while (buffered.length - at >= 5) {
      const end = at + 1 + buffered.readInt32BE(at + 1);
      if (end > buffered.length) break;
      if (buffered[at] !== 0x41) kept.push(buffered.subarray(at, end));
      at = end;
    }
    buffered = buffered.subarray(at);
    return Buffer.concat(kept);
  };
}

export async function startTcpProxy(targetUrl: string, proxyOptions: TcpProxyOptions = {}): Promise<TcpProxy> {
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
    let filter: ((chunk: Buffer) => Buffer) | undefined;
    const answer = (chunk: Buffer) => {
      if (proxyOptions.deafTo !== undefined && startup?.includes(proxyOptions.deafTo))
        chunk = (filter ??= withoutNotifications())(chunk);
      if (flows() && chunk.length > 0) client.write(chunk);
    };
    // Equal delays keep the chunks in order.
    upstream.on('data', (chunk: Buffer) => (delayMs ? setTimeout(answer, delayMs, chunk) : answer(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
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
    refuse: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    accept: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
