import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RaygateError } from '../shared/errors.ts';
import type { ServerConfig } from '../config.ts';
import type { ApiApp } from './app.ts';

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /**
   * Graceful close: stop accepting connections, let in-flight requests finish (up to `graceMs`, then
   * cut the rest), close idle keep-alive connections.
   */
  close(graceMs: number): Promise<void>;
}

export async function startServer(
  app: ApiApp,
  config: Pick<ServerConfig, 'host' | 'port' | 'requestTimeoutMs'>,
): Promise<RunningServer> {
  const server: Server = createServer(app.handler);
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.requestTimeoutMs, 30_000);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new RaygateError(
          error.code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'LISTEN_FAILED',
          'unavailable',
          `Cannot listen on ${config.host}:${config.port}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close(graceMs) {
      closing ??= new Promise<void>((resolve) => {
        app.drain();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
