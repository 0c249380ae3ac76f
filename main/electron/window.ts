/**
 * All of the window's security, in one place (Electron's security
 * checklist): a sandboxed, context-isolated renderer without Node; our page
 * from the app:// scheme only, with a strict CSP; no navigation, no new
 * windows, no webviews, no permissions, no network. The page talks to main
 * only through the preload's contract functions.
 */
import { BrowserWindow, nativeTheme, protocol, type App, type Session, type WebContents } from 'electron';
import { RENDERER_CSP } from '../adapters-shared/content-security-policy';
import type { StaticFiles } from '../adapters-shared/static-files';
import { APP_ENTRY_URL, APP_HOST, APP_SCHEME, isAppUrl } from './app-url';

/** Must run before the app is ready: app:// behaves like https (secure, standard origin). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const RESPONSE_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Serves app://freezeframe/ from the renderer build's allow-list: no path ever touches the disk. */
export function serveAppProtocol(files: StaticFiles): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST && request.method === 'GET' ? files.lookup(url.pathname) : undefined;
    if (!file) return new Response('Not found', { status: 404, headers: RESPONSE_HEADERS });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...RESPONSE_HEADERS, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' },
    });
  });
}

/** Requests the page may make: its own scheme, and DevTools in a development build. */
function isAllowedRequest(url: string, development: boolean): boolean {
  return isAppUrl(url) || (development && url.startsWith('devtools://'));
}

export function hardenSession(session: Session, development: boolean): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // No remote content: every http(s)/ws(s)/file request is cancelled.
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => callback({ cancel: !isAllowedRequest(details.url, development) }));
  // The CSP again as a header on whatever the session loads, in case a
  // response arrives by a path that is not our protocol handler.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}

/** Applies to every web contents the app ever creates, not only the main window's. */
export function hardenAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    // The page is one document: neither it nor any frame ever navigates.
    contents.on('will-frame-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export interface MainWindowOptions {
  preloadPath: string;
  development: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Freezeframe',
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181c' : '#ffffff',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: options.development,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
