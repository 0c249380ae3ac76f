import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../app/domain';
import { aboutLines, aboutTitle } from './about-text';

const info: AppInfo = {
  appVersion: '0.1.0',
  frontDoor: 'electron',
  development: false,
  kernel: '6.1.0-18-amd64',
  electronVersion: '45.5.0',
  nodeVersion: '22.20.0',
  helperPath: '/usr/lib/freezeframe/freezeframe-helper',
  helperSource: 'package',
  helperVersion: '0.1.0',
  protocolVersion: 1,
  defaultTimeoutMs: 60_000,
  maxTimeoutMs: 900_000,
  plansDir: '/home/ada/.config/Freezeframe/plans',
  runsAs: { user: 'ada', uid: 1000 },
};

describe('aboutLines', () => {
  it('names the helper, its source and versions, Electron, Node and the kernel', () => {
    expect(aboutTitle(info)).toBe('Freezeframe 0.1.0');
    expect(aboutLines(info)).toEqual([
      'Helper: /usr/lib/freezeframe/freezeframe-helper',
      'Helper source: installed package',
      'Helper version: 0.1.0',
      'Protocol: 1',
      'Electron: 45.5.0',
      'Node: 22.20.0',
      'Kernel: 6.1.0-18-amd64',
    ]);
  });

  it('says plainly when the helper is a development build and has not run yet', () => {
    const dev = { ...info, development: true, helperSource: 'development' as const, helperVersion: undefined, protocolVersion: undefined };
    expect(aboutTitle(dev)).toBe('Freezeframe 0.1.0 (development build)');
    expect(aboutLines(dev)).toContain('Helper source: DEVELOPMENT BUILD (source tree)');
    expect(aboutLines(dev)).toContain('Helper version: not running yet');
    expect(aboutLines({ ...info, helperSource: 'appimage' })).toContain('Helper source: installed by the AppImage');
  });
});
