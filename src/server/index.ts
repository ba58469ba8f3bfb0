export { startServer, HOST, type RunningServer, type ServerOptions } from './server.ts';
export { TOKEN_HEADER } from './auth.ts';
export { serveProject, serveStudio, RENDERER_DIR, type ServedProject, type ServedStudio, type ServeOptions } from './session.ts';
