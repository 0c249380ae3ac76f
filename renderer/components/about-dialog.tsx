/**
 * About Freezeframe: the versions and, above all, which helper runs as root
 * and where it came from. A helper from a source tree is labelled as a
 * development build where nobody can miss it. The info is read again on
 * open: the helper reports its version and protocol only once it has run.
 */
import { useEffect } from 'react';
import type { AppInfo } from '../../app/domain';
import { useApp } from '../store/store';
import { Dialog } from './dialogs/dialog';
import './about-dialog.css';

const SOURCE_LABELS: Record<AppInfo['helperSource'], string> = {
  package: 'Installed package',
  appimage: 'Installed by the AppImage',
  development: 'Source tree',
};

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const info = useApp((s) => s.appInfo);
  const loadAppInfo = useApp((s) => s.loadAppInfo);
  useEffect(() => {
    void loadAppInfo();
  }, [loadAppInfo]);

  return (
    <Dialog title="About Freezeframe" onClose={onClose}>
      {info ? <AboutFacts info={info} /> : <p className="muted">Reading the app info…</p>}
      <div className="dialog__buttons">
        <button type="button" className="button button--primary" data-autofocus="" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function AboutFacts({ info }: { info: AppInfo }) {
  const development = info.helperSource === 'development';
  return (
    <>
      {development && (
        <p className="about__development" role="note">
          Development build: the helper that runs as root comes from a source tree, not from an installed package.
        </p>
      )}
      <dl className="about">
        <dt>Freezeframe</dt>
        <dd>{info.appVersion}</dd>
        <dt>Helper</dt>
        <dd>
          <code>{info.helperPath}</code>
        </dd>
        <dt>Helper source</dt>
        <dd>
          {SOURCE_LABELS[info.helperSource]}
          {development && <span className="about__badge">development build</span>}
        </dd>
        <dt>Helper version</dt>
        <dd>{info.helperVersion ?? 'not running yet'}</dd>
        <dt>Protocol</dt>
        <dd>{info.protocolVersion ?? 'not running yet'}</dd>
        <dt>Electron</dt>
        <dd>{info.frontDoor === 'web' ? 'web mode' : (info.electronVersion ?? 'unknown')}</dd>
        <dt>Node</dt>
        <dd>{info.nodeVersion}</dd>
        <dt>Kernel</dt>
        <dd>{info.kernel}</dd>
      </dl>
    </>
  );
}
