/**
 * Where the Electron window's page comes from: a privileged custom scheme
 * served from the built renderer, never file:// (every local file would be
 * same-origin to it) and never the network.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'freezeframe';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** A URL of our own page (any path on app://freezeframe). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
