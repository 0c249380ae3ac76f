// Vite bundles a stylesheet imported for its side effect (main.tsx).
declare module '*.css';
