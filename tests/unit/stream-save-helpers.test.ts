import { describe, expect, it } from 'vitest';
import { safeFileName, safeRelativePath, safeSegments } from '../../src/chunks/safe-path.ts';
import { PlaybackFocus, type CriticalRange } from '../../src/stream/playback-focus.ts';

describe('safe paths', () => {
  it.each([
    ['a/b/c.txt', 'a/b/c.txt'],
    ['/etc/passwd', 'etc/passwd'],
    ['../../x', 'x'],
    ['a/./b//c', 'a/b/c'],
    ['a\\\\..\\\\b', 'a/b'],
    ['bad\\u0000name\\u001f.txt', 'bad_name_.txt'],
    ['c:/x<y>z|q?*', 'c_/x_y_z_q__'],
    ['trailing. ', 'trailing'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['..', '_'],
    ['', '_'],
    ['文件/Ünïcødé.txt', '文件/Ünïcødé.txt'],
  ])('%j becomes %j', (input, expected) => {
    expect(safeRelativePath(JSON.parse(`"${input}"`))).toBe(expected);
  });

  it('never yields a dangerous segment', () => {
    for (const path of ['..', '../..', 'a/../../b', '\\\\server\\\\share', '. /..']) {
      for (const segment of safeSegments(path)) {
        expect(segment).not.toMatch(/^\\.{1,2}$|[/\\\\]|^$/);
      }
    }
  });

  it('names a single saved file by its last segment', () => {
    expect(safeFileName('photos/2024/a.jpg')).toBe('a.jpg');
    expect(safeFileName('../')).toBe('_');
  });
});

describe('playback focus', () => {
  function focus() {
    const applied: CriticalRange[] = [];
    return { focus: new PlaybackFocus(4, (r) => applied.push(r)), applied };
  }

  it('makes the pieces ahead of a waiting read critical, the newest wait first', () => {
    const { focus: f, applied } = focus();
    const first = f.waitFor(10);
    const second = f.waitFor(50);
    expect(applied).toEqual([{ from: 10, to: 14 }, { from: 50, to: 54 }]);
    second();
    expect(f.range).toEqual({ from: 10, to: 14 });
    first();
    expect(f.range).toBeNull();
  });

  it('follows the playhead while no read waits, and a wait overrides it', () => {
    const { focus: f, applied } = focus();
    f.setPlayhead(3);
    f.setPlayhead(3);
    expect(applied).toEqual([{ from: 3, to: 7 }]);
    const release = f.waitFor(20);
    expect(f.range).toEqual({ from: 20, to: 24 });
    release();
    release();
    expect(f.range).toEqual({ from: 3, to: 7 });
    f.setPlayhead(null);
    expect(applied.at(-1)).toBeNull();
  });
});
