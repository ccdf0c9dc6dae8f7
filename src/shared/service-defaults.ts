/** Where `raygate serve` listens unless told otherwise: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
