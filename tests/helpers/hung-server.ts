/**
 * A TCP server that accepts connections, reads what is sent and never answers: what a client
 * meets when the service behind an endpoint hangs (a stuck proxy, a frozen process). Tests point
 * SDK clients at it to show that their timeouts end the wait.
 */
import { createServer, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface HungServer {
  /** `http://host:port` of the server. */
  endpoint: string;
  /** Connections it accepted so far (one per attempt of a client that does not reuse them). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * An address of this machine that is not loopback (so code that treats loopback endpoints apart
 * takes its remote path); `0.0.0.0` when the machine has none (Linux connects that to itself).
 */
export function nonLoopbackHost(): { listen: string; connect: string } {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (a.family === 'IPv4' && !a.internal) return { listen: a.address, connect: a.address };
  return { listen: '127.0.0.1', connect: '0.0.0.0' };
}

/** Starts a server that never answers, on a free port of `listen`, reached as `connect`. */
export async function startHungServer(
  host: { listen: string; connect: string } = { listen: '127.0.0.1', connect: '127.0.0.1' },
): Promise<HungServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host.listen, resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://${host.connect}:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
