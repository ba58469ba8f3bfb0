// Browser mode: the StudioApi over HTTP on 127.0.0.1, events over one WebSocket.
//   POST /api/<method>           body: JSON array of the method's parameters
//                                → JSON Result<T>, or the raw bytes for BINARY_METHODS
//   POST /api/<binary-input method>  body: the bytes (application/octet-stream), the other
//                                parameters as a JSON array in the X-Studio-Params header
//   GET  /api/<binary method>?params=[…]&token=…   (for URLs an <img> can load)
//   GET  /events?token=…         WebSocket: {"name": …, "payload": …} per event
//   GET  /…                      the built renderer (dist/renderer)
// Every request needs the session token (see auth.ts). The server only transports: each
// call goes through services/dispatch.ts, as Electron's IPC does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BINARY_INPUT_METHODS, type ApiError, type ErrorCode, type Result, type StudioApi } from '../contract/api.ts';
import { dispatch, isBinaryMethod } from '../services/dispatch.ts';
import type { EventBus } from '../services/events.ts';
import { authorized, cookieName, hostAllowed, newToken, originAllowed, tokensEqual, requestToken } from './auth.ts';
import { securityHeaders, sendFile, staticFile } from './static.ts';

export const HOST = '127.0.0.1';
const MAX_BODY = 1 << 20;
/** a 16k × 16k label PNG of noise is ~256 MB; real masks compress to a few MB */
const MAX_BINARY_BODY = 256 << 20;
const PARAMS_HEADER = 'x-studio-params';
/**
 * The events socket only carries server → client messages; a client frame is never read,
 * so anything past a small control-sized payload is refused (and closes that socket only).
 */
export const MAX_WS_PAYLOAD = 64 << 10;

function isBinaryInput(method: string): boolean {
  return (BINARY_INPUT_METHODS as readonly string[]).includes(method);
}

export interface ServerOptions {
  api: StudioApi;
  /** events forwarded to every connected WebSocket */
  bus?: EventBus;
  /** 0 (default) picks a free port */
  port?: number;
  /** default: a fresh random token */
  token?: string;
  /** the built renderer; null serves the API only */
  staticDir?: string | null;
}

export interface RunningServer {
  port: number;
  token: string;
  /** the page to open, token included */
  url: string;
  /** the API root (no token) */
  origin: string;
  close(): Promise<void>;
}

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  IO_ERROR: 500,
  BUSY: 503,
  INTERNAL: 500,
};

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      console.error('relevance-studio server:', err);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal server error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(port);
    if (!hostAllowed(req, port)) return sendJson(res, 403, fail('UNAUTHORIZED', `host '${req.headers.host ?? ''}' not allowed`), headers);
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);

    if (url.pathname.startsWith('/api/')) {
      if (!originAllowed(req, port)) return sendJson(res, 403, fail('UNAUTHORIZED', `origin '${String(req.headers.origin).slice(0, 100)}' not allowed`), headers);
      if (!authorized(req, url, port, token, { header: true, query: true })) {
        return sendJson(res, 401, fail('UNAUTHORIZED', 'missing or wrong session token'), headers);
      }
      const method = url.pathname.slice('/api/'.length);
      let params: unknown;
      const octets = (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
      if (req.method === 'POST' && octets) {
        if (!isBinaryInput(method)) return sendJson(res, 400, fail('BAD_REQUEST', `${method}: takes a JSON body, not bytes`), headers);
        const body = await readBody(req, MAX_BINARY_BODY);
        if (body === null) return sendJson(res, 413, fail('BAD_REQUEST', `${method}: request body larger than ${MAX_BINARY_BODY} bytes`), headers);
        let rest: unknown;
        try {
          rest = JSON.parse(String(req.headers[PARAMS_HEADER] ?? '[]'));
        } catch {
          return sendJson(res, 400, fail('BAD_REQUEST', `${method}: the X-Studio-Params header is not valid JSON`), headers);
        }
        if (!Array.isArray(rest)) return sendJson(res, 400, fail('BAD_REQUEST', `${method}: the X-Studio-Params header must be a JSON array`), headers);
        params = [...rest, new Uint8Array(body.buffer, body.byteOffset, body.byteLength)];
      } else if (req.method === 'POST') {
        const body = await readBody(req, MAX_BODY);
        if (body === null) return sendJson(res, 413, fail('BAD_REQUEST', `request body larger than ${MAX_BODY} bytes`), headers);
        try {
          params = body.length ? JSON.parse(body.toString('utf8')) : [];
        } catch {
          return sendJson(res, 400, fail('BAD_REQUEST', `${method}: the body is not valid JSON`), headers);
        }
      } else if (req.method === 'GET' && isBinaryMethod(method)) {
        try {
          params = JSON.parse(url.searchParams.get('params') ?? '[]');
        } catch {
          return sendJson(res, 400, fail('BAD_REQUEST', `${method}: the params query is not valid JSON`), headers);
        }
      } else {
        return sendJson(res, 405, fail('BAD_REQUEST', `${method}: use POST`), { ...headers, Allow: 'POST' });
      }
      const result = await dispatch(opts.api, method, params);
      if (!result.ok) return sendJson(res, STATUS[result.error.code], result, result.error.code === 'BUSY' ? { ...headers, 'Retry-After': '1' } : headers);
      if (isBinaryMethod(method)) {
        const bytes = result.value as Uint8Array;
        res.writeHead(200, { ...headers, 'Content-Type': sniffImageType(bytes), 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-store' });
        res.end(bytes);
        return;
      }
      return sendJson(res, 200, result, headers);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, fail('BAD_REQUEST', 'method not allowed'), headers);
    if (!authorized(req, url, port, token, { query: true, cookie: true })) {
      res.writeHead(401, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Relevance Studio: open the URL that `relevance-studio serve` or `npm start` printed (it carries the session token).\n');
      return;
    }
    if (!opts.staticDir) return sendJson(res, 404, fail('NOT_FOUND', 'this server has no renderer to serve'), headers);
    const file = staticFile(opts.staticDir, url.pathname);
    if (!file) return sendJson(res, 404, fail('NOT_FOUND', `${url.pathname}: not found`), headers);
    const extra: Record<string, string> = {};
    // the page's own assets are fetched without the query token: hand the browser a cookie
    const q = url.searchParams.get('token');
    if (q && tokensEqual(q, token)) extra['Set-Cookie'] = `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    sendFile(res, file, { ...headers, ...extra });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // a reset or malformed upgrade must end this socket, never the process
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const given = requestToken(req, url, port, { query: true, header: true });
    if (!originAllowed(req, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url.pathname !== '/events' || !hostAllowed(req, port) || given === undefined || !tokensEqual(given, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => wss.emit('connection', ws, req));
  });

  // A protocol error on one connection (an oversized or malformed frame, a reset) is
  // that client's problem: ws closes it with the right code; the server keeps serving.
  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate());
  });
  wss.on('error', (err) => console.error('relevance-studio server: websocket:', err.message));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const unsubscribe = opts.bus?.subscribe((name, payload) => {
    const msg = JSON.stringify({ name, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(msg);
  });

  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;

  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    close: () => closeServer(server, wss, sockets, unsubscribe),
  };
}

function fail(code: ErrorCode, message: string): Result<never> {
  const error: ApiError = { code, message };
  return { ok: false, error };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The whole body, or null when it exceeds `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolveBody(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sniffImageType(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  return 'application/octet-stream';
}

async function closeServer(server: Server, wss: WebSocketServer, sockets: Set<Socket>, unsubscribe?: () => void): Promise<void> {
  unsubscribe?.();
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  const closed = new Promise<void>((r) => server.close(() => r()));
  for (const s of sockets) s.destroy();
  await closed;
}
