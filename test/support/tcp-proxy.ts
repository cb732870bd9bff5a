import net from 'node:net';

/** A TCP proxy between the app and PostgreSQL that a test can cut and restore. */
export interface TcpProxy {
  /** The target's URL with the proxy's port. */
  url: string;
  /**
   * From now on nothing gets through either way, and nothing is refused: connections and queries just
   * hang, as in a network partition.
   */
  cut(): void;
  /** Ends every connection it carried (as when a partition heals with resets) and forwards again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let open = true;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    track(upstream);
    client.on('data', (chunk) => open && upstream.write(chunk));
    upstream.on('data', (chunk) => open && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut: () => {
      open = false;
    },
    restore: () => {
      for (const socket of sockets) socket.destroy();
      open = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
