export { startServer, HOST, type RunningServer, type ServerOptions } from './server.ts';
export { TOKEN_HEADER } from './auth.ts';
export { serveProject, RENDERER_DIR, type ServedProject } from './session.ts';
