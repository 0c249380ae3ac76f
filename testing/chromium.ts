/**
 * Debian's Chromium, as the specs and the bench launch it: never a browser
 * download, and none of the background traffic this machine's closed
 * network refuses.
 */
export const CHROMIUM = process.env.FREEZEFRAME_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Headless Chromium starts its address-bar popup in a process of its own
  // for every new context (about 1.4 CPU-s on 2 cores): a cost of the
  // harness, which neither Electron nor an open browser window pays.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
];

/**
 * Chromium keeps a connection to the system D-Bus and aborts (FATAL "D-Bus
 * connection was disconnected") when that bus goes away under it, as it does
 * here while the polkit tests start and stop their own system bus. It needs
 * no bus: pointing it at none makes a failed connect, which it logs and
 * survives.
 */
export const CHROMIUM_ENV: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
  DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/freezeframe-no-system-bus',
};
