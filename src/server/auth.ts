// The per-session token: random, compared in constant time, accepted from a header
// (API calls), the query string (the URL a person opens, image URLs, the WebSocket) or a
// per-port cookie (the page's own scripts and styles, which the browser fetches itself).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-studio-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Hashing first makes both sides the same length, so the compare time says nothing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function cookieName(port: number): string {
  // cookies are shared by every port of a host: name it per port so two studios don't clash
  return `rs_token_${port}`;
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface TokenSources {
  header?: boolean;
  query?: boolean;
  cookie?: boolean;
}

export function requestToken(req: IncomingMessage, url: URL, port: number, from: TokenSources): string | undefined {
  if (from.header) {
    const h = req.headers[TOKEN_HEADER];
    if (typeof h === 'string' && h) return h;
  }
  if (from.query) {
    const q = url.searchParams.get('token');
    if (q) return q;
  }
  if (from.cookie) return cookieValue(req, cookieName(port));
  return undefined;
}

export function authorized(req: IncomingMessage, url: URL, port: number, token: string, from: TokenSources): boolean {
  const given = requestToken(req, url, port, from);
  return given !== undefined && tokensEqual(given, token);
}

/**
 * DNS-rebinding guard: a page on another site that resolves its name to 127.0.0.1 still
 * sends its own Host header.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Cross-site guard beside the token: a browser names the page that sent a request in
 * Origin; only the studio's own page may call the API or open the events socket. Requests
 * without Origin (the CLI, scripts, same-origin GETs of older browsers) rely on the token.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
