// Side-effect stylesheet imports (Vite bundles them).
declare module '*.css';
