import { describe, expect, it } from 'vitest';
import { contentDisposition, parseRange, responseHead } from '../../src/stream/http-range.ts';
import { parseStreamPath, streamPath } from '../../src/stream/stream-protocol.ts';

const SIZE = 1000;
const ID = 'A'.repeat(43);

describe('Range headers', () => {
  it.each([
    [null, { kind: 'full' }],
    ['', { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', range: { start: 0, end: 100 } }],
    ['bytes=990-', { kind: 'partial', range: { start: 990, end: 1000 } }],
    ['bytes=-10', { kind: 'partial', range: { start: 990, end: 1000 } }],
    ['bytes=-5000', { kind: 'partial', range: { start: 0, end: 1000 } }],
    ['bytes=500-99999999999999999999', { kind: 'partial', range: { start: 500, end: 1000 } }],
    [' bytes = 1 - 2 ', { kind: 'partial', range: { start: 1, end: 3 } }],
    ['bytes=999-999', { kind: 'partial', range: { start: 999, end: 1000 } }],
  ] as const)('%j asks for %j', (header, expected) => {
    expect(parseRange(header, SIZE)).toEqual(expected);
  });

  it.each(['bytes=1000-', 'bytes=5-3', 'bytes=-0', 'bytes=-', 'bytes=abc', 'bytes=0-1,3-4', 'lines=0-1', 'bytes 0-1', 'bytes=1e3-'])(
    '%j is unsatisfiable',
    (header) => expect(parseRange(header, SIZE)).toEqual({ kind: 'unsatisfiable' }),
  );

  it('finds nothing to serve in an empty file but a whole (empty) answer', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange(null, 0)).toEqual({ kind: 'full' });
  });
});

describe('response heads', () => {
  const video = { name: 'clip.webm', size: SIZE, mime: 'video/webm' };

  it('answers 206 with Content-Range and the length of the part', () => {
    const head = responseHead(video, 'bytes=100-199', 'inline');
    expect(head.status).toBe(206);
    expect(head.body).toEqual({ start: 100, end: 200 });
    expect(head.headers).toMatchObject({
      'content-range': 'bytes 100-199/1000',
      'content-length': '100',
      'accept-ranges': 'bytes',
      'content-type': 'video/webm',
    });
    expect(head.headers['content-disposition']).toMatch(/^inline;/);
  });

  it('answers 200 for the whole file and 416 with the size for a bad range', () => {
    expect(responseHead(video, null, 'inline')).toMatchObject({ status: 200, body: { start: 0, end: SIZE }, headers: { 'content-length': '1000' } });
    expect(responseHead(video, 'bytes=2000-', 'inline')).toMatchObject({
      status: 416,
      body: null,
      headers: { 'content-range': 'bytes */1000' },
    });
  });

  it('serves anything but media and raster images as an opaque attachment', () => {
    for (const mime of ['text/html', 'image/svg+xml', 'application/javascript', 'text/xml']) {
      const head = responseHead({ name: 'x', size: 10, mime }, null, 'inline');
      expect(head.headers['content-type']).toBe('application/octet-stream');
      expect(head.headers['content-disposition']).toMatch(/^attachment;/);
      expect(head.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(responseHead({ name: 'x.png', size: 10, mime: 'image/png' }, null, 'inline').headers['content-type']).toBe('image/png');
  });

  it('names the file in ASCII and exactly in UTF-8', () => {
    expect(contentDisposition('attachment', 'Ünï "cødé" 文件(1).txt')).toBe(
      `attachment; filename="_n_ _c_d__ __(1).txt"; filename*=UTF-8''%C3%9Cn%C3%AF%20%22c%C3%B8d%C3%A9%22%20%E6%96%87%E4%BB%B6%281%29.txt`,
    );
  });
});

describe('stream paths', () => {
  it('round-trips every target', () => {
    for (const target of [
      { kind: 'stream', swarmId: ID, fileIndex: 3 },
      { kind: 'save', swarmId: ID, fileIndex: 0 },
      { kind: 'zip', swarmId: ID },
    ] as const) {
      expect(parseStreamPath(streamPath(target, 'a name/with slash.txt'))).toEqual(target);
    }
  });

  it.each([
    `stream/${ID}/1`,
    `stream/${ID}/-1/x`,
    `stream/${ID}/1.5/x`,
    `stream/${ID}/12345678/x`,
    `stream/short/1/x`,
    `zip/${ID}`,
    `other/${ID}/1/x`,
    `stream/${ID}/1/x/y`,
    '',
  ])('%j names nothing', (path) => expect(parseStreamPath(path)).toBeNull());
});
