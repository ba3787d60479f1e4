import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

// A real HTTP server on 127.0.0.1 for tests, so the API client is exercised through real sockets,
// status lines and bodies rather than fetch mocks.

export interface Reply {
  status: number;
  /** An object is sent as JSON; a string is sent as it is. */
  body: unknown;
  contentType?: string;
}

export type Responder = (url: URL) => Reply | Promise<Reply>;

export interface FakeApi {
  baseUrl: string;
  /** Path and query of every request received, in order. */
  requests: string[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });

export async function startFakeApi(): Promise<FakeApi> {
  const requests: string[] = [];
  let responder: Responder = () => ({ status: 404, body: { error: 'not_found', message: 'No responder set', fields: [] } });

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname}${url.search}`);
    void Promise.resolve(responder(url)).then((reply) => {
      const isText = typeof reply.body === 'string';
      response.writeHead(reply.status, {
        'content-type': reply.contentType ?? (isText ? 'text/plain' : 'application/json'),
      });
      response.end(isText ? reply.body : JSON.stringify(reply.body));
    });
  });
  const { port } = await listen(server);

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    respond: (next) => {
      responder = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL on 127.0.0.1 where nothing listens: a port that was just bound and released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const { port } = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
