import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server. While held, it accepts connections but forwards
 * nothing (the client waits for an answer that does not come) until `release()`: a registry that stalls
 * mid-request, so a job fetching from it can be caught holding its lease.
 */
export class StallingProxy {
  readonly #server: net.Server;
  readonly #upstreamPort: number;
  readonly #sockets = new Set<net.Socket>();
  #held = false;
  #waiting: net.Socket[] = [];
  /** Connections that arrived while held. */
  stalled = 0;
  host = '';

  private constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
    this.#server = net.createServer((client) => {
      this.#sockets.add(client);
      client.once('close', () => this.#sockets.delete(client));
      client.on('error', () => client.destroy());
      client.pause();
      if (this.#held) {
        this.stalled++;
        this.#waiting.push(client);
      } else this.#forward(client);
    });
  }

  static async start(upstream: string): Promise<StallingProxy> {
    const proxy = new StallingProxy(Number(upstream.split(':').at(-1)));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.host = `127.0.0.1:${(proxy.#server.address() as net.AddressInfo).port}`;
    return proxy;
  }

  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    for (const client of this.#waiting.splice(0)) this.#forward(client);
  }

  #forward(client: net.Socket): void {
    if (client.destroyed) return;
    const upstream = net.connect(this.#upstreamPort, '127.0.0.1');
    this.#sockets.add(upstream);
    upstream.once('close', () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
    client.resume();
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
