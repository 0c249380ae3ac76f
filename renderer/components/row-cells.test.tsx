import { describe, expect, it } from 'vitest';
import { splitPath } from './row-cells';

describe('splitPath', () => {
  it('cuts before the last component, which stays whole', () => {
    expect(splitPath('/tmp/ffh-smoke/ext4')).toEqual(['/tmp/ffh-smoke', '/ext4']);
    expect(splitPath('/dev/loop0')).toEqual(['/dev', '/loop0']);
    expect(splitPath('/srv/data/')).toEqual(['/srv', '/data/']);
    expect(splitPath('server:/export/a')).toEqual(['server:/export', '/a']);
  });

  it('leaves a path of one component, the root, and a non-path whole', () => {
    expect(splitPath('/home')).toEqual(['', '/home']);
    expect(splitPath('/')).toEqual(['', '/']);
    expect(splitPath('tmpfs')).toEqual(['', 'tmpfs']);
  });
});
