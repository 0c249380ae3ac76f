/**
 * The renderer's Content-Security-Policy, sent as a header by both front
 * doors (the web server, and the Electron app:// protocol): only our own
 * scripts and styles, no eval, no inline script, no plugins, no framing,
 * connections only back to where the page came from (in the browser that
 * includes the same-origin WebSocket: CSP3 'self' matches ws: on the same
 * host and port).
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
