// electron-builder afterPack hook: set the Electron fuses in the packaged
// binary, before it goes into the deb, rpm and AppImage. Fuses are bits in the
// executable itself, so they hold whatever the environment or command line
// says — unlike checks in our JavaScript, which run too late.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder require()s this CommonJS file */
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/**
 * What each fuse is, and why:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE would turn the app into a plain Node
 *   that any process of the user can script — and it is the app the user
 *   trusts to drive the root helper.
 * - NODE_OPTIONS and --inspect/--inspect-brk off: the same, by preloading
 *   code or attaching a debugger to main.
 * - Cookie encryption on: the profile's cookies are encrypted at rest with
 *   the OS keyring (Electron's default is off for compatibility).
 * - OnlyLoadAppFromAsar on: main runs only from resources/app.asar, not from
 *   a resources/app directory dropped beside it.
 * - ASAR integrity on where Electron implements it (macOS and Windows): the
 *   asar's hash is checked at load. On Linux there is no integrity data to
 *   check, so the fuse is left as Electron ships it rather than flipped to a
 *   promise the platform does not keep.
 * - File protocol extra privileges off: the page comes from app://, never
 *   file:// (main/electron/window.ts), so file:// needs none.
 */
function fuseConfig(platform) {
  const asarIntegritySupported = platform === 'darwin' || platform === 'win32' || platform === 'mas';
  return {
    version: FuseVersion.V1,
    // macOS arm64 needs a signature after any change to the binary; signing follows afterPack.
    resetAdHocDarwinSignature: platform === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    ...(asarIntegritySupported && { [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true }),
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** The Electron executable electron-builder just laid out in appOutDir. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`afterPack: no fuse settings for platform ${electronPlatformName}`);
  }
}

async function afterPack(context) {
  const binary = electronBinary(context);
  await flipFuses(binary, fuseConfig(context.electronPlatformName));
  console.log(`  • fuses set       file=${binary}`);
}

module.exports = { default: afterPack, afterPack, fuseConfig, electronBinary };
